import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { IsSkillList } from '../../common/skills';
import { Trim, TrimLower } from '../../common/trim';

/**
 * Digits with spaces, dots, dashes or parentheses between them, and an optional leading `+`: 6 to
 * 32 characters in all (the column's length).
 */
const PHONE = /^(?=.{6,32}$)\+?[0-9(][0-9 .()-]{4,30}[0-9]$/;

/**
 * The profile fields to change; those left out stay as they are. `null` is refused except for
 * `phone`, where it removes the number.
 */
export class UpdateCandidateDto {
  /** @example Camille */
  @ValidateIf((_body, value) => value !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  firstName?: string;

  /** @example Martin */
  @ValidateIf((_body, value) => value !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  lastName?: string;

  /** Unique within the company, compared and stored lower-cased. @example camille.martin@example.com */
  @ValidateIf((_body, value) => value !== undefined)
  @TrimLower()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email?: string;

  /** Digits, spaces, dots, dashes, parentheses and a leading `+`; null removes it. */
  @ApiProperty({ type: String, nullable: true, required: false, example: '+33 6 12 34 56 78' })
  @ValidateIf((_body, value) => value !== undefined && value !== null)
  @Trim()
  @IsString()
  @Matches(PHONE, {
    message:
      'phone must be a phone number of 6 to 32 characters: digits, spaces, dots, dashes or parentheses, with an optional leading +',
  })
  phone?: string | null;

  /** The whole list (it replaces the current one): at most 50 skills of 1 to 60 characters. */
  @ValidateIf((_body, value) => value !== undefined)
  @IsSkillList()
  skills?: string[];
}
