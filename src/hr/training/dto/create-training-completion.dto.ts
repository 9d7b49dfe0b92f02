import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { CPF_HOURS_MAX, IsCpfHours } from '../cpf-hours';

export class CreateTrainingCompletionDto {
  /** An employee of your company who is not terminated. */
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'employeeId must be a UUID' })
  employeeId!: string;

  /**
   * Hours credited on the employee's CPF, at most 2 decimals; must be 0 for a training that is
   * not CPF-eligible.
   */
  @ApiProperty({ type: Number, minimum: 0, maximum: CPF_HOURS_MAX, example: 14 })
  @IsCpfHours()
  cpfHours!: number;
}
