import { ApiProperty } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsSkillList } from '../../../common/skills';
import { Trim } from '../../../common/trim';
import { CONTRACT_TYPES, type ContractType } from '../../../contracts/contract-type';
import { IsNotLessThan, SALARY_MAX } from '../salary-range';

export class CreateJobDto {
  /** @example Développeuse backend */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  /** @example Vous rejoignez l'équipe paie : NestJS, PostgreSQL, webhooks. */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  description!: string;

  /** @example Lyon (hybride) */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  location!: string;

  @ApiProperty({ enum: CONTRACT_TYPES, example: 'CDI' })
  @IsIn(CONTRACT_TYPES)
  contractType!: ContractType;

  /** Lower end of the annual gross salary range, in euros. */
  @ApiProperty({ type: Number, required: false, minimum: 0, maximum: SALARY_MAX, example: 45000 })
  @ValidateIf((_body, value) => value !== undefined)
  @IsInt()
  @Min(0)
  @Max(SALARY_MAX)
  salaryMin?: number;

  /** Upper end of the annual gross salary range, in euros; not below salaryMin. */
  @ApiProperty({ type: Number, required: false, minimum: 0, maximum: SALARY_MAX, example: 55000 })
  @ValidateIf((_body, value) => value !== undefined)
  @IsInt()
  @Min(0)
  @Max(SALARY_MAX)
  @IsNotLessThan('salaryMin')
  salaryMax?: number;

  /** What the job asks for: applications are scored against it when shortlisted. */
  @ValidateIf((_body, value) => value !== undefined)
  @IsSkillList()
  skills?: string[];
}
