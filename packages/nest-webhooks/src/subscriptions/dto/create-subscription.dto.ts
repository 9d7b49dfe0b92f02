import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { EVENT_FILTER_PATTERN } from '../../catalog/event-type-matching';
import { MAX_URL_LENGTH } from '../../security/url-policy';
import { SIGNED_CONTENTS, type SignedContent } from '../../signing/signature-headers';
import { SIGNATURE_ALGORITHMS, SUBSCRIPTION_FORMATS } from '../../webhooks.constants';
import { HANDSHAKES, type Handshake } from '../cloudevents-handshake';
import { IsDataFilter } from './data-filter.validator';
import { IsExtraHeaders } from './headers.validator';
import { IsSigningSecret } from './signing-secret.validator';

export class CreateSubscriptionDto {
  /**
   * Absolute https:// URL of the receiver (http:// only when WEBHOOKS_ALLOW_HTTP), no credentials;
   * its host must resolve to public addresses only (unless WEBHOOKS_ALLOW_PRIVATE_URLS).
   * @example https://ats.example.com/hooks/hr
   */
  @IsString()
  @MaxLength(MAX_URL_LENGTH)
  url!: string;

  /**
   * Catalog event types, or a trailing wildcard (`candidate.*`) or `*`.
   * @example ["candidate.*", "contract.signed"]
   */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(EVENT_FILTER_PATTERN, {
    each: true,
    message:
      'each value in events must be an event type, a trailing wildcard like "candidate.*", or "*"',
  })
  events!: string[];

  /** @example Payroll sync */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  /** Default true. */
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;

  /**
   * `whsec_` + base64 of 24 to 64 random bytes; generated when omitted. Not with `Ed25519`
   * (the server generates the key pair).
   * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
   */
  @IsOptional()
  @IsSigningSecret()
  secret?: string;

  /** Body format: `json` (default), `cloudevents+json`, `xml`, `cloudevents+xml` (or a host-registered one). */
  @ApiPropertyOptional({ example: SUBSCRIPTION_FORMATS[1], default: 'json' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  format?: string;

  /**
   * `HmacSha256` (default), `HmacSha384`, `HmacSha512`, `HmacSha1` (deprecated), `Ed25519`
   * (asymmetric: the answer carries a `publicKey`, never a secret), or a host-registered one.
   */
  @ApiPropertyOptional({ example: SIGNATURE_ALGORITHMS[0], default: 'HmacSha256' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  signatureAlgorithm?: string;

  /**
   * What `X-Webhook-Signature` signs: `timestamp.body` (default, `<timestamp>.<body>`) or `body`
   * (the body alone, for receivers written to the original design: `sha256=<hex HMAC of the body>`).
   */
  @ApiPropertyOptional({ enum: SIGNED_CONTENTS, default: 'timestamp.body' })
  @IsOptional()
  @IsIn(SIGNED_CONTENTS)
  signedContent?: SignedContent;

  /**
   * `none` (default) or `cloudevents`: on create and on every URL change the endpoint must grant
   * the CloudEvents validation handshake (`OPTIONS` with `WebHook-Request-Origin`), else `422`
   * and nothing is stored.
   */
  @ApiPropertyOptional({ enum: HANDSHAKES, default: 'none' })
  @IsOptional()
  @IsIn(HANDSHAKES)
  handshake?: Handshake;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Extra request headers (at most 20). Refused: hop-by-hop headers, Host, Content-Length, Content-Type, webhook-* and X-Webhook-*.',
    example: { 'X-Partner-Id': 'acme-payroll' },
  })
  @IsOptional()
  @IsExtraHeaders()
  headers?: Record<string, string>;

  /** Retries after the first attempt; default 10. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20)
  maxRetryCount?: number;

  /** First retry delay in ms; default 5000. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  retryDelayMs?: number;

  /** Delay growth per retry; default 3. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(10)
  retryBackoffMultiplier?: number;

  /** Receive `publishBatch` events several to one request (JSON array or CloudEvents batch); default false. */
  @IsOptional()
  @IsBoolean()
  batch?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      "A condition on the event's data, MongoDB query syntax: an event whose data does not match creates no delivery for this subscription. Operators: $eq $ne $in $nin $gt $gte $lt $lte $exists $regex (with $options i, m, s) $and $or $nor $not; dotted paths; at most 4 KiB of JSON. null (PATCH): no filter.",
    example: { contractType: { $in: ['CDI', 'CDD'] }, cpfHours: { $gt: 0 } },
  })
  @IsOptional()
  @IsDataFilter()
  filter?: Record<string, unknown> | null;

  /** Per-attempt timeout in ms; default 10000. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(30_000)
  requestTimeoutMs?: number;
}
