import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { Trim } from '../../../common/trim';

export class CreateApplicationDto {
  /** A candidate of your company; one application per candidate and job. */
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'candidateId must be a UUID' })
  candidateId!: string;

  /** What the candidate wrote with the application. @example Je suis disponible dès mars. */
  @ApiProperty({ type: String, required: false, maxLength: 5000 })
  @ValidateIf((_body, value) => value !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  coverLetter?: string;
}
