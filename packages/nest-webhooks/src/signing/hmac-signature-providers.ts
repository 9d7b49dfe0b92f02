import { createHmac } from 'node:crypto';
import type { WebhookSignatureProvider } from '../interfaces/signature-provider.interface';
import { Ed25519SignatureProvider } from './ed25519-signature-provider';

/** Node digest names the built-in providers use. */
export type HmacHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/**
 * `X-Webhook-Signature` provider: hex HMAC of `<timestamp>.` followed by the exact body bytes,
 * keyed with the whole secret string as UTF-8 (the `whsec_` prefix included), so a receiver
 * checks it with one HMAC call and the secret exactly as it was shown to them.
 */
export class HmacSignatureProvider implements WebhookSignatureProvider {
  constructor(
    readonly algorithm: string,
    readonly prefix: string,
    private readonly hash: HmacHash,
  ) {}

  sign(body: Buffer, timestamp: number, secret: string): string {
    return createHmac(this.hash, Buffer.from(secret, 'utf8'))
      .update(`${timestamp}.`, 'utf8')
      .update(body)
      .digest('hex');
  }

  /** `signedContent: body`: the hex HMAC of the body alone (the original design's receivers). */
  signContent(content: Buffer, secret: string): string {
    return createHmac(this.hash, Buffer.from(secret, 'utf8')).update(content).digest('hex');
  }
}

/** `HmacSha256`, `sha256=<hex>`: the default. */
export class HmacSha256SignatureProvider extends HmacSignatureProvider {
  constructor() {
    super('HmacSha256', 'sha256', 'sha256');
  }
}

/** `HmacSha384`, `sha384=<hex>`. */
export class HmacSha384SignatureProvider extends HmacSignatureProvider {
  constructor() {
    super('HmacSha384', 'sha384', 'sha384');
  }
}

/** `HmacSha512`, `sha512=<hex>`. */
export class HmacSha512SignatureProvider extends HmacSignatureProvider {
  constructor() {
    super('HmacSha512', 'sha512', 'sha512');
  }
}

/** `HmacSha1`, `sha1=<hex>`: deprecated, for receivers that cannot do better. */
export class HmacSha1SignatureProvider extends HmacSignatureProvider {
  constructor() {
    super('HmacSha1', 'sha1', 'sha1');
  }
}

/** The algorithms every subscription may pick, whatever the host registers. */
export const BUILTIN_SIGNATURE_PROVIDERS: readonly WebhookSignatureProvider[] = Object.freeze([
  new HmacSha256SignatureProvider(),
  new HmacSha384SignatureProvider(),
  new HmacSha512SignatureProvider(),
  new HmacSha1SignatureProvider(),
  new Ed25519SignatureProvider(),
]);
