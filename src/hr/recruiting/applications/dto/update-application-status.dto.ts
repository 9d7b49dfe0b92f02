import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { REVIEW_STATUSES, type ReviewStatus } from '../application-status';

export class UpdateApplicationStatusDto {
  /**
   * The next state: submitted → reviewed → shortlisted; rejected or withdrawn from any open state.
   * `hired` is not set here: accepting an offer sets it.
   */
  @ApiProperty({ enum: REVIEW_STATUSES, example: 'reviewed' })
  @IsIn(REVIEW_STATUSES)
  status!: ReviewStatus;
}
