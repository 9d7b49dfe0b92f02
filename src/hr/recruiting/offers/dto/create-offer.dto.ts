import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../../common/calendar-date';
import { CONTRACT_TYPES, type ContractType } from '../../../contracts/contract-type';
import { SALARY_MAX } from '../../jobs/salary-range';

export class CreateOfferDto {
  /** Annual gross, in euros. */
  @ApiProperty({ type: Number, minimum: 1, maximum: SALARY_MAX, example: 52000 })
  @IsInt()
  @Min(1)
  @Max(SALARY_MAX)
  salary!: number;

  /** First day of work, YYYY-MM-DD. */
  @ApiProperty({ type: String, format: 'date', example: '2026-09-01' })
  @IsCalendarDate()
  startDate!: string;

  @ApiProperty({ enum: CONTRACT_TYPES, example: 'CDI' })
  @IsIn(CONTRACT_TYPES)
  contractType!: ContractType;
}
