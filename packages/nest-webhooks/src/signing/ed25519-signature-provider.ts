import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type {
  AsymmetricSigning,
  WebhookSignatureProvider,
} from '../interfaces/signature-provider.interface';

/** Standard Webhooks' prefixes of an Ed25519 secret key (seed and public key) and public key. */
export const ED25519_PRIVATE_KEY_PREFIX = 'whsk_';
export const ED25519_PUBLIC_KEY_PREFIX = 'whpk_';

const KEY_CACHE_LIMIT = 1024;

/**
 * `Ed25519` (asymmetric, node:crypto): `webhook-signature: v1a,<base64 signature of
 * "<id>.<timestamp>.<body>">` (Standard Webhooks), and `X-Webhook-Signature: ed25519=<base64
 * signature of "<timestamp>.<body>">`. Keys as Standard Webhooks writes them: the private key
 * `whsk_` + base64 of the 32-byte seed and the 32-byte public key, the public key `whpk_` +
 * base64 of its 32 raw bytes.
 */
export class Ed25519SignatureProvider implements WebhookSignatureProvider, AsymmetricSigning {
  readonly algorithm = 'Ed25519';
  readonly prefix = 'ed25519';
  readonly asymmetric: AsymmetricSigning = this;
  /** Parsed keys by their stored text: importing one costs more than a signature. */
  private readonly keys = new Map<string, KeyObject>();

  generateKeyPair(): { privateKey: string; publicKey: string } {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const seed = Buffer.from(jwk.d!, 'base64url');
    const publicKey = Buffer.from(jwk.x!, 'base64url');
    return {
      privateKey: `${ED25519_PRIVATE_KEY_PREFIX}${Buffer.concat([seed, publicKey]).toString('base64')}`,
      publicKey: `${ED25519_PUBLIC_KEY_PREFIX}${publicKey.toString('base64')}`,
    };
  }

  publicKeyOf(privateKey: string): string {
    return `${ED25519_PUBLIC_KEY_PREFIX}${rawKey(privateKey).subarray(32).toString('base64')}`;
  }

  standardSignature(
    messageId: string,
    timestamp: number,
    body: Buffer,
    privateKey: string,
  ): string {
    const content = Buffer.concat([Buffer.from(`${messageId}.${timestamp}.`, 'utf8'), body]);
    return `v1a,${this.signContent(content, privateKey)}`;
  }

  sign(body: Buffer, timestamp: number, privateKey: string): string {
    return this.signContent(
      Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), body]),
      privateKey,
    );
  }

  signContent(content: Buffer, privateKey: string): string {
    return sign(null, content, this.key(privateKey)).toString('base64');
  }

  private key(privateKey: string): KeyObject {
    let key = this.keys.get(privateKey);
    if (!key) {
      const raw = rawKey(privateKey);
      key = createPrivateKey({
        format: 'jwk',
        key: {
          kty: 'OKP',
          crv: 'Ed25519',
          d: raw.subarray(0, 32).toString('base64url'),
          x: raw.subarray(32).toString('base64url'),
        },
      });
      if (this.keys.size >= KEY_CACHE_LIMIT) this.keys.clear();
      this.keys.set(privateKey, key);
    }
    return key;
  }
}

/** The 64 bytes (seed, then public key) of a `whsk_` private key. */
function rawKey(privateKey: string): Buffer {
  const raw = privateKey.startsWith(ED25519_PRIVATE_KEY_PREFIX)
    ? Buffer.from(privateKey.slice(ED25519_PRIVATE_KEY_PREFIX.length), 'base64')
    : Buffer.alloc(0);
  if (raw.length !== 64) {
    throw new Error(
      `An Ed25519 private key must be "${ED25519_PRIVATE_KEY_PREFIX}" + base64 of 64 bytes`,
    );
  }
  return raw;
}
