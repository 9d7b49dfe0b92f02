import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn, IsUUID, ValidateIf } from 'class-validator';
import { IsAfterDate, IsCalendarDate } from '../../common/calendar-date';
import { CONTRACT_TYPES, type ContractType } from '../contract-type';

export class CreateContractDto {
  /** A candidate of your company whose status is `hired`. */
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'candidateId must be a UUID' })
  candidateId!: string;

  @ApiProperty({ enum: CONTRACT_TYPES, example: 'CDI' })
  @IsIn(CONTRACT_TYPES)
  contractType!: ContractType;

  /** First day of the contract, YYYY-MM-DD. */
  @ApiProperty({ type: String, format: 'date', example: '2026-03-01' })
  @IsCalendarDate()
  startDate!: string;

  /** Last day of the contract, YYYY-MM-DD, after startDate: required for a CDD, optional otherwise. */
  @ApiProperty({
    type: String,
    format: 'date',
    required: false,
    nullable: true,
    example: '2026-08-31',
  })
  @ValidateIf(
    (body: CreateContractDto) =>
      body.contractType === 'CDD' || (body.endDate !== undefined && body.endDate !== null),
  )
  @IsDefined({ message: 'endDate is required for a CDD (fixed-term contract)' })
  @IsCalendarDate()
  @IsAfterDate('startDate')
  endDate?: string | null;
}
