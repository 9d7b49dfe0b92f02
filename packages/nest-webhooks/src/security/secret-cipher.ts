import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { SECRET_PREFIX } from '../webhooks.constants';

const VERSION = 'v1';

/**
 * Encrypts signing secrets at rest with AES-256-GCM. The 256-bit key is derived with HKDF-SHA256
 * from the configured key string, so any string of 16+ characters works; each value has its own
 * random 96-bit IV and is authenticated (a tampered value or another key fails to decrypt).
 * Stored form: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    if (!secretKey || secretKey.length < 16) {
      throw new Error('The webhooks secret key must be at least 16 characters long');
    }
    this.key = Buffer.from(hkdfSync('sha256', secretKey, 'nest-webhooks', 'secret-at-rest', 32));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, ciphertext] = stored.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
      throw new Error('Not an encrypted secret');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** Why a caller-supplied secret is refused, or null: `whsec_` + base64 of 24 to 64 bytes. */
export function signingSecretProblem(secret: string): string | null {
  if (!secret.startsWith(SECRET_PREFIX)) return `secret must start with "${SECRET_PREFIX}"`;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    return 'secret must be whsec_ followed by standard base64';
  }
  const bytes = Buffer.from(encoded, 'base64').length;
  if (bytes < 24 || bytes > 64) return `secret must encode 24 to 64 bytes (it encodes ${bytes})`;
  return null;
}
