import { ApiProperty } from '@nestjs/swagger';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../application-status';

export class ApplicationDto {
  id!: string;
  jobId!: string;
  candidateId!: string;
  /** submitted → reviewed → shortlisted → hired; rejected or withdrawn on the way. */
  @ApiProperty({ enum: APPLICATION_STATUSES })
  status!: ApplicationStatus;
  @ApiProperty({ type: String, nullable: true })
  coverLetter!: string | null;
  /** When it was submitted. */
  createdAt!: Date;
  updatedAt!: Date;
}

export class ApplicationPageDto {
  /** Newest first. */
  items!: ApplicationDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}
