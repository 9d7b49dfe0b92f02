import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Trim, TrimLower } from '../../common/trim';

export class CreateCandidateDto {
  /** @example Camille */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  firstName!: string;

  /** @example Martin */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  lastName!: string;

  /** Unique within the company, compared and stored lower-cased. @example camille.martin@example.com */
  @TrimLower()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email!: string;
}
