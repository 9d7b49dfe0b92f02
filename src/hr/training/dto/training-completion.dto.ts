import { ApiProperty } from '@nestjs/swagger';

export class TrainingCompletionDto {
  id!: string;
  trainingId!: string;
  employeeId!: string;
  /** Hours credited on the employee's CPF (0 for a training that is not CPF-eligible). */
  @ApiProperty({ type: Number, example: 14 })
  cpfHours!: number;
  /** When the completion was recorded. */
  createdAt!: Date;
}
