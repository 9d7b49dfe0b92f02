import { IsBoolean, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Trim } from '../../common/trim';

export class CreateTrainingDto {
  /** @example Excel avancé */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  /** Whether completing it credits hours on the employee's CPF (a JSON boolean). */
  @IsBoolean()
  cpfEligible!: boolean;
}
