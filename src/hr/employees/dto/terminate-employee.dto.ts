import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-date';
import { TERMINATION_REASONS, type TerminationReason } from '../termination-reason';

export class TerminateEmployeeDto {
  /** Last day of the employment, YYYY-MM-DD; not before the contract's startDate. */
  @ApiProperty({ type: String, format: 'date', example: '2026-08-31' })
  @IsCalendarDate()
  terminationDate!: string;

  /** Why the employment ends (the DSN end-of-contract reason). */
  @ApiProperty({ enum: TERMINATION_REASONS, example: 'RUPTURE_CONVENTIONNELLE' })
  @IsIn(TERMINATION_REASONS)
  reason!: TerminationReason;
}
