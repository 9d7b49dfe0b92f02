import { ApiProperty } from '@nestjs/swagger';
import { INTERVIEW_KINDS, type InterviewKind } from '../interview-kind';

export class InterviewDto {
  id!: string;
  applicationId!: string;
  @ApiProperty({ enum: INTERVIEW_KINDS })
  kind!: InterviewKind;
  /** When it starts (UTC). */
  scheduledAt!: Date;
  interviewers!: string[];
  createdAt!: Date;
  updatedAt!: Date;
}
