import { ApiProperty } from '@nestjs/swagger';
import { IsFutureZonedDateTime } from '../../../common/zoned-date-time';

export class RescheduleInterviewDto {
  /** The new time: ISO-8601 with its time zone offset, in the future. */
  @ApiProperty({ type: String, format: 'date-time', example: '2026-05-05T14:30:00+02:00' })
  @IsFutureZonedDateTime()
  scheduledAt!: string;
}
