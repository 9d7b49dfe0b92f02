import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../shared/page-query.dto';
import { ATTEMPT_STATUSES, type AttemptStatus } from '../../entities/delivery-status';

export class LogsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ATTEMPT_STATUSES })
  @IsOptional()
  @IsIn(ATTEMPT_STATUSES)
  status?: AttemptStatus;

  /** Only attempts of this event type, e.g. `candidate.created`. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  eventType?: string;
}
