import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PORTAL_SESSION_MINUTES } from '../portal-sessions';

export class CreatePortalSessionDto {
  /** How long the link and its token work, in minutes. */
  @ApiPropertyOptional({
    minimum: PORTAL_SESSION_MINUTES.min,
    maximum: PORTAL_SESSION_MINUTES.max,
    default: PORTAL_SESSION_MINUTES.default,
  })
  @IsOptional()
  @IsInt()
  @Min(PORTAL_SESSION_MINUTES.min)
  @Max(PORTAL_SESSION_MINUTES.max)
  expiresInMinutes?: number;

  /** The token carries `system.webhooks.read` instead of `system.webhooks.manage`. */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  readOnly?: boolean;
}

export class PortalSessionDto {
  /**
   * The console, signed in with the token: `<PUBLIC_URL>/dashboard#token=<token>`.
   * @example https://hr.example.com/dashboard#token=eyJhbGciOiJIUzI1NiJ9...
   */
  url!: string;
  /** A bearer token for the caller's company only, with the webhook permission alone. */
  token!: string;
  /** From this time on the token answers 401. */
  expiresAt!: Date;
}
