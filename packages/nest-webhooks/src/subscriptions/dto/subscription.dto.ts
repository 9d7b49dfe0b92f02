import { ApiProperty } from '@nestjs/swagger';
import { SIGNED_CONTENTS, type SignedContent } from '../../signing/signature-headers';
import { HANDSHAKES, type Handshake } from '../cloudevents-handshake';
import { SIGNATURE_ALGORITHMS, SUBSCRIPTION_FORMATS } from '../../webhooks.constants';

/** A subscription as the API shows it: never its secret. */
export class SubscriptionDto {
  /** @example 0b6e8c57-4a34-4bb2-8c8e-3f2bd2a8e0b1 */
  id!: string;
  url!: string;
  events!: string[];
  description!: string | null;
  isActive!: boolean;
  /** `json`, `cloudevents+json`, `xml`, `cloudevents+xml`, or a host-registered format. */
  @ApiProperty({ example: SUBSCRIPTION_FORMATS[0] })
  format!: string;
  /** `HmacSha256`, `HmacSha384`, `HmacSha512`, `HmacSha1`, `Ed25519`, or a host-registered one. */
  @ApiProperty({ example: SIGNATURE_ALGORITHMS[0] })
  signatureAlgorithm!: string;
  /** What `X-Webhook-Signature` signs: `timestamp.body` or `body`. */
  @ApiProperty({ enum: SIGNED_CONTENTS })
  signedContent!: SignedContent;
  /** `cloudevents`: its URL granted the CloudEvents validation handshake. */
  @ApiProperty({ enum: HANDSHAKES })
  handshake!: Handshake;
  /**
   * With an asymmetric algorithm (`Ed25519`): the key receivers verify with, `whpk_` + base64 of
   * the 32-byte raw public key; null with a shared secret.
   * @example whpk_qJ9ZgkN1mWdx1tQ3y0ZKnWc9pXhJzvM5wqVGk0dZ3lY=
   */
  @ApiProperty({ type: String, nullable: true })
  publicKey!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  headers!: Record<string, string>;
  maxRetryCount!: number;
  retryDelayMs!: number;
  retryBackoffMultiplier!: number;
  requestTimeoutMs!: number;
  /** The condition on an event's data (MongoDB query syntax); null: every event of its types. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  filter!: Record<string, unknown> | null;
  /** Receives `publishBatch` events several to a request. */
  batch!: boolean;
  /** Why the system deactivated it (410 Gone, 5 days of failures); null otherwise. */
  disabledReason!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}

/**
 * The creation answer: the subscription and, this once, its signing secret (absent with an
 * asymmetric algorithm, whose `publicKey` is all a receiver needs).
 */
export class CreatedSubscriptionDto extends SubscriptionDto {
  /** @example whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD */
  secret?: string;
}

export class SubscriptionPageDto {
  items!: SubscriptionDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}

/** A shared secret, or, with an asymmetric algorithm, the public key (never the private key). */
export class SigningSecretDto {
  /** @example whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD */
  secret?: string;
  /** @example whpk_qJ9ZgkN1mWdx1tQ3y0ZKnWc9pXhJzvM5wqVGk0dZ3lY= */
  publicKey?: string;
}
