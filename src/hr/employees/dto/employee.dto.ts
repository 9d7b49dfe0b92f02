import { ApiProperty } from '@nestjs/swagger';
import { TERMINATION_REASONS, type TerminationReason } from '../termination-reason';

export class EmployeeDto {
  id!: string;
  /** The candidate this employee was hired as. */
  candidateId!: string;
  /** The employment contract, created with the employee. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  contractId!: string | null;
  firstName!: string;
  lastName!: string;
  /** Lower-cased. */
  email!: string;
  /** Last day of the employment (YYYY-MM-DD); null while employed. */
  @ApiProperty({ type: String, nullable: true, example: '2026-08-31' })
  terminationDate!: string | null;
  @ApiProperty({ enum: TERMINATION_REASONS, nullable: true })
  terminationReason!: TerminationReason | null;
  /** When the termination was recorded; null while employed. */
  @ApiProperty({ type: Date, nullable: true })
  terminatedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}
