import { randomBytes } from 'node:crypto';
import { generateSigningSecret, SecretCipher, signingSecretProblem } from './secret-cipher';

const KEY = 'unit-test-secret-key-0123456789';

/** Replaces the character at `index` of `text` with a different base64url character. */
function changeCharAt(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

/** Replaces one dot-separated part of a stored value with `change(part)`. */
function changePart(stored: string, part: number, change: (value: string) => string): string {
  const parts = stored.split('.');
  parts[part] = change(parts[part]);
  return parts.join('.');
}

describe('SecretCipher', () => {
  const cipher = new SecretCipher(KEY);
  const secret = generateSigningSecret();

  it('decrypts what it encrypted', () => {
    expect(cipher.decrypt(cipher.encrypt(secret))).toBe(secret);
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
    expect(cipher.decrypt(cipher.encrypt('é ✓ 🔑'))).toBe('é ✓ 🔑');
  });

  it('decrypts with another instance built from the same key', () => {
    expect(new SecretCipher(KEY).decrypt(cipher.encrypt(secret))).toBe(secret);
  });

  it('gives two encryptions of the same secret different values (random IV)', () => {
    const a = cipher.encrypt(secret);
    const b = cipher.encrypt(secret);
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
    expect(cipher.decrypt(a)).toBe(secret);
    expect(cipher.decrypt(b)).toBe(secret);
  });

  it('does not show the plaintext in the stored value', () => {
    const stored = cipher.encrypt(secret);
    const encoded = secret.slice('whsec_'.length);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(encoded);
    expect(stored).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(stored).not.toContain(Buffer.from(encoded, 'base64').toString('base64url'));
    expect(stored.startsWith('v1.')).toBe(true);
  });

  it.each([
    ['the ciphertext', 3],
    ['the authentication tag', 2],
    ['the IV', 1],
  ])('refuses a value whose %s was changed', (_name, part) => {
    const stored = cipher.encrypt(secret);
    const tampered = changePart(stored, part, (value) => changeCharAt(value, 5));
    expect(tampered).not.toBe(stored);
    expect(() => cipher.decrypt(tampered)).toThrow();
  });

  it('refuses a truncated ciphertext or tag', () => {
    const stored = cipher.encrypt(secret);
    expect(() => cipher.decrypt(changePart(stored, 3, (v) => v.slice(0, -4)))).toThrow();
    expect(() => cipher.decrypt(changePart(stored, 2, (v) => v.slice(0, 8)))).toThrow();
  });

  it('refuses a value encrypted with another key', () => {
    const other = new SecretCipher('another-secret-key-9876543210');
    expect(() => other.decrypt(cipher.encrypt(secret))).toThrow();
    expect(() => cipher.decrypt(other.encrypt(secret))).toThrow();
  });

  it.each(['', 'whsec_abc', 'v2.a.b.c', 'v1.a.b', 'v1..b.c'])(
    'refuses %j, which is not an encrypted secret',
    (stored) => {
      expect(() => cipher.decrypt(stored)).toThrow();
    },
  );

  it('needs a key of at least 16 characters', () => {
    expect(() => new SecretCipher('')).toThrow(/16 characters/);
    expect(() => new SecretCipher('short')).toThrow(/16 characters/);
    expect(() => new SecretCipher('x'.repeat(15))).toThrow(/16 characters/);
    expect(() => new SecretCipher('x'.repeat(16))).not.toThrow();
  });
});

describe('generateSigningSecret', () => {
  it('is whsec_ followed by standard base64 of 32 bytes', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(signingSecretProblem(secret)).toBeNull();
  });

  it('is unique', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateSigningSecret()));
    expect(secrets.size).toBe(200);
  });
});

describe('signingSecretProblem', () => {
  const ofBytes = (n: number): string => `whsec_${randomBytes(n).toString('base64')}`;

  it.each([24, 25, 32, 48, 63, 64])('accepts whsec_ + base64 of %i bytes', (n) => {
    expect(signingSecretProblem(ofBytes(n))).toBeNull();
  });

  it.each([0, 1, 16, 23, 65, 128])('refuses whsec_ + base64 of %i bytes', (n) => {
    expect(signingSecretProblem(ofBytes(n))).toMatch(
      n === 0 ? /base64|24 to 64 bytes/ : new RegExp(`24 to 64 bytes \\(it encodes ${n}\\)`),
    );
  });

  it.each([
    ['no prefix', randomBytes(32).toString('base64'), /start with "whsec_"/],
    ['an upper-case prefix', `WHSEC_${randomBytes(32).toString('base64')}`, /start with "whsec_"/],
    ['another prefix', `sk_${randomBytes(32).toString('base64')}`, /start with "whsec_"/],
    ['a blank secret', '', /start with "whsec_"/],
    ['characters outside base64', `whsec_${'!'.repeat(44)}`, /base64/],
    ['base64url instead of base64', `whsec_${'-_'.repeat(22)}`, /base64/],
    ['missing padding', `whsec_${randomBytes(32).toString('base64').replace(/=+$/, '')}`, /base64/],
    ['too much padding', `whsec_${randomBytes(32).toString('base64')}==`, /base64/],
    ['white space', `whsec_ ${randomBytes(32).toString('base64')}`, /base64/],
    ['padding in the middle', `whsec_${'QUFB=QUFB'.repeat(5)}`, /base64/],
  ])('refuses %s', (_name, secret, problem) => {
    expect(signingSecretProblem(secret)).toMatch(problem);
  });
});
