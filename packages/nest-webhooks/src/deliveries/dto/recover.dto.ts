import { IsISO8601 } from 'class-validator';

export class RecoverDto {
  /**
   * Failed deliveries whose last attempt is at or after this time are tried again now
   * (ISO-8601 date-time, at most 14 days back).
   * @example 2026-11-20T00:00:00Z
   */
  @IsISO8601({ strict: true, strictSeparator: true })
  since!: string;
}
