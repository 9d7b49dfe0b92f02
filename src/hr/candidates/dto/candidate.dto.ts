import { ApiProperty } from '@nestjs/swagger';
import { CANDIDATE_STATUSES, type CandidateStatus } from '../candidate-status';

export class CandidateDto {
  id!: string;
  firstName!: string;
  lastName!: string;
  /** Lower-cased. */
  email!: string;
  /** null when none is known. */
  @ApiProperty({ type: String, nullable: true })
  phone!: string | null;
  /** Each skill once, whatever its case; their order means nothing. */
  skills!: string[];
  @ApiProperty({ enum: CANDIDATE_STATUSES })
  status!: CandidateStatus;
  createdAt!: Date;
  updatedAt!: Date;
}

export class CandidatePageDto {
  /** Newest first. */
  items!: CandidateDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}
