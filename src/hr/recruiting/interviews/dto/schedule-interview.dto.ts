import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsString,
  MaxLength,
} from 'class-validator';
import { TrimEach } from '../../../common/trim-each';
import { IsFutureZonedDateTime } from '../../../common/zoned-date-time';
import { INTERVIEW_KINDS, type InterviewKind } from '../interview-kind';

export class ScheduleInterviewDto {
  /** When it starts: ISO-8601 with its time zone offset, in the future. */
  @ApiProperty({ type: String, format: 'date-time', example: '2026-05-04T10:00:00+02:00' })
  @IsFutureZonedDateTime()
  scheduledAt!: string;

  @ApiProperty({ enum: INTERVIEW_KINDS, example: 'video' })
  @IsIn(INTERVIEW_KINDS)
  kind!: InterviewKind;

  /** Who conducts it (names or emails): 1 to 10, each once. */
  @ApiProperty({ type: [String], minItems: 1, maxItems: 10, example: ['Claire Dubois'] })
  @TrimEach()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  @ArrayUnique()
  interviewers!: string[];
}
