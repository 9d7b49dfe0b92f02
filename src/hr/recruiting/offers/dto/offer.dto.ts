import { ApiProperty } from '@nestjs/swagger';
import { CONTRACT_TYPES, type ContractType } from '../../../contracts/contract-type';
import { OFFER_STATUSES, type OfferStatus } from '../offer-status';

export class OfferDto {
  id!: string;
  applicationId!: string;
  /** The application's job and candidate. */
  jobId!: string;
  candidateId!: string;
  /** Annual gross, in euros. */
  salary!: number;
  /** YYYY-MM-DD. */
  @ApiProperty({ type: String, format: 'date', example: '2026-09-01' })
  startDate!: string;
  @ApiProperty({ enum: CONTRACT_TYPES })
  contractType!: ContractType;
  /** draft → sent → accepted. */
  @ApiProperty({ enum: OFFER_STATUSES })
  status!: OfferStatus;
  @ApiProperty({ type: Date, nullable: true })
  sentAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true })
  acceptedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
