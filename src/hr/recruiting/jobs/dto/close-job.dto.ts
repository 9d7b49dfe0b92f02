import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { JOB_CLOSE_REASONS, type JobCloseReason } from '../job-status';

export class CloseJobDto {
  /** `filled`: someone was hired; `cancelled`: the position is no longer open. */
  @ApiProperty({ enum: JOB_CLOSE_REASONS, example: 'filled' })
  @IsIn(JOB_CLOSE_REASONS)
  reason!: JobCloseReason;
}
