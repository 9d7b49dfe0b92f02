import { createPublicKey, verify } from 'node:crypto';
import { Ed25519SignatureProvider } from './ed25519-signature-provider';
import { signatureHeaders } from './signature-headers';

const provider = new Ed25519SignatureProvider();

/** A receiver's check with node:crypto and the `whpk_` key alone. */
function verifies(publicKey: string, content: Buffer, signature: string): boolean {
  const x = Buffer.from(publicKey.slice('whpk_'.length), 'base64').toString('base64url');
  const key = createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x } });
  return verify(null, content, key, Buffer.from(signature, 'base64'));
}

describe('Ed25519SignatureProvider', () => {
  it('generates Standard Webhooks keys: whsk_ (seed and public key), whpk_ (32 raw bytes)', () => {
    const { privateKey, publicKey } = provider.generateKeyPair();
    expect(Buffer.from(privateKey.slice(5), 'base64')).toHaveLength(64);
    expect(privateKey).toMatch(/^whsk_/);
    expect(Buffer.from(publicKey.slice(5), 'base64')).toHaveLength(32);
    expect(publicKey).toMatch(/^whpk_/);
    expect(provider.publicKeyOf(privateKey)).toBe(publicKey);
    expect(provider.generateKeyPair().publicKey).not.toBe(publicKey);
  });

  it('signs what each header says, verifiable with the public key only', () => {
    const { privateKey, publicKey } = provider.generateKeyPair();
    const text = '{"id":"evt_1","data":{"name":"Zoë"}}';
    const body = Buffer.from(text);
    const headers = signatureHeaders({
      messageId: 'evt_1',
      timestamp: 1_796_000_000,
      body,
      secrets: [privateKey],
      provider,
    });
    const v1a = headers['webhook-signature'];
    expect(v1a).toMatch(/^v1a,/);
    expect(verifies(publicKey, Buffer.from(`evt_1.1796000000.${text}`), v1a.slice(4))).toBe(true);
    const legacy = headers['X-Webhook-Signature'];
    expect(legacy).toMatch(/^ed25519=/);
    expect(verifies(publicKey, Buffer.from(`1796000000.${text}`), legacy.slice(8))).toBe(true);
    expect(verifies(publicKey, Buffer.from(`1796000001.${text}`), legacy.slice(8))).toBe(false);

    const bodyOnly = signatureHeaders({
      messageId: 'evt_1',
      timestamp: 1_796_000_000,
      body,
      secrets: [privateKey],
      provider,
      signedContent: 'body',
    });
    expect(verifies(publicKey, body, bodyOnly['X-Webhook-Signature'].slice(8))).toBe(true);
  });

  it.each(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsk_AAAA', ''])(
    'refuses %j as a private key, naming the expected form',
    (key) => {
      expect(() => provider.sign(Buffer.from('x'), 1, key)).toThrow(
        'An Ed25519 private key must be "whsk_" + base64 of 64 bytes',
      );
      expect(() => provider.publicKeyOf(key)).toThrow(/whsk_/);
    },
  );
});
