import { ApiProperty } from '@nestjs/swagger';
import { CONTRACT_TYPES, type ContractType } from '../contract-type';

export class ContractDto {
  id!: string;
  /** The employee created with this contract. */
  employeeId!: string;
  /** The hired candidate. */
  candidateId!: string;
  @ApiProperty({ enum: CONTRACT_TYPES })
  contractType!: ContractType;
  /** YYYY-MM-DD. */
  @ApiProperty({ type: String, format: 'date', example: '2026-03-01' })
  startDate!: string;
  /** YYYY-MM-DD; null for an open-ended contract. */
  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2026-08-31' })
  endDate!: string | null;
  /** When the contract was signed; null until then. */
  @ApiProperty({ type: Date, nullable: true })
  signedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
