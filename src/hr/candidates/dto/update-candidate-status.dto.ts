import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CANDIDATE_STATUSES, type CandidateStatus } from '../candidate-status';

export class UpdateCandidateStatusDto {
  /** The next state: new → screening → interview → offer → hired; any state but hired → rejected. */
  @ApiProperty({ enum: CANDIDATE_STATUSES, example: 'screening' })
  @IsIn(CANDIDATE_STATUSES)
  status!: CandidateStatus;
}
