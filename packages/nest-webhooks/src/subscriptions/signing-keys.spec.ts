import type { WebhookSubscription } from '../entities/webhook-subscription.entity';
import type { WebhookSignatureProvider } from '../interfaces/signature-provider.interface';
import { SignatureProviderRegistry } from '../signing/signature-headers';
import { WebhooksSettings } from '../webhooks-settings';
import { SigningKeys } from './signing-keys';

const signOnly: WebhookSignatureProvider = {
  algorithm: 'HostMac',
  prefix: 'hostmac',
  sign: () => 'signature',
};
const settings = new WebhooksSettings({ secretKey: 'k'.repeat(32) });
const keys = new SigningKeys(new SignatureProviderRegistry([signOnly]), settings);

const row = (overrides: Partial<WebhookSubscription>): WebhookSubscription =>
  ({
    signatureAlgorithm: 'HmacSha256',
    publicKey: null,
    secretEncrypted: 'x',
    ...overrides,
  }) as WebhookSubscription;

describe('SigningKeys', () => {
  it('a symmetric algorithm keeps a chosen secret and shows it; an asymmetric one refuses it', () => {
    const chosen = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const hmac = keys.create('HmacSha512', chosen);
    expect(hmac.shown).toEqual({ secret: chosen });
    expect(settings.cipher.decrypt(hmac.stored.secretEncrypted)).toBe(chosen);
    expect(hmac.stored.publicKey).toBeNull();

    const ed = keys.create('Ed25519');
    expect(ed.shown).toEqual({ publicKey: ed.stored.publicKey });
    expect(settings.cipher.decrypt(ed.stored.secretEncrypted)).toMatch(/^whsk_/);
    expect(() => keys.create('Ed25519', chosen)).toThrow(/secret cannot be chosen with Ed25519/);
  });

  it('a change of algorithm makes new material only across symmetric and asymmetric', () => {
    expect(keys.forAlgorithmChange(row({}), 'HmacSha1')).toEqual({});
    expect(keys.forAlgorithmChange(row({}), 'HmacSha256')).toEqual({});
    const toEd = keys.forAlgorithmChange(row({}), 'Ed25519');
    expect(toEd.publicKey).toMatch(/^whpk_/);
    expect(toEd.previousSecretEncrypted).toBeNull();
    const fromEd = keys.forAlgorithmChange(
      row({ signatureAlgorithm: 'Ed25519', publicKey: 'whpk_x' }),
      'HmacSha256',
    );
    expect(fromEd.publicKey).toBeNull();
    expect(settings.cipher.decrypt(fromEd.secretEncrypted!)).toMatch(/^whsec_/);
  });

  it('refuses signedContent body for a provider that cannot sign the body alone', () => {
    expect(() => keys.checkSignedContent('HostMac', 'body')).toThrow(
      'signedContent "body" is not supported by signatureAlgorithm HostMac',
    );
    expect(() => keys.checkSignedContent('HostMac', 'timestamp.body')).not.toThrow();
    expect(() => keys.checkSignedContent('HmacSha256', 'body')).not.toThrow();
    expect(() => keys.checkSignedContent('Ed25519', 'body')).not.toThrow();
  });
});
