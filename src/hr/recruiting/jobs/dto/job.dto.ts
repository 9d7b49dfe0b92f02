import { ApiProperty } from '@nestjs/swagger';
import { CONTRACT_TYPES, type ContractType } from '../../../contracts/contract-type';
import {
  JOB_CLOSE_REASONS,
  JOB_STATUSES,
  type JobCloseReason,
  type JobStatus,
} from '../job-status';

export class JobDto {
  id!: string;
  title!: string;
  description!: string;
  location!: string;
  @ApiProperty({ enum: CONTRACT_TYPES })
  contractType!: ContractType;
  /** Annual gross, in euros; null when open at that end. */
  @ApiProperty({ type: Number, nullable: true })
  salaryMin!: number | null;
  @ApiProperty({ type: Number, nullable: true })
  salaryMax!: number | null;
  skills!: string[];
  /** draft → published → closed. Only a published job takes applications. */
  @ApiProperty({ enum: JOB_STATUSES })
  status!: JobStatus;
  @ApiProperty({ enum: JOB_CLOSE_REASONS, nullable: true })
  closeReason!: JobCloseReason | null;
  @ApiProperty({ type: Date, nullable: true })
  publishedAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true })
  closedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export class JobPageDto {
  /** Newest first. */
  items!: JobDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}
