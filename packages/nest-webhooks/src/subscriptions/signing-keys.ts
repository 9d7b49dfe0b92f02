import { Injectable } from '@nestjs/common';
import type { WebhookSubscription } from '../entities/webhook-subscription.entity';
import { generateSigningSecret } from '../security/secret-cipher';
import { type SignedContent, SignatureProviderRegistry } from '../signing/signature-headers';
import { refuseUnsupportedSignedContent } from '../signing/known-format-and-algorithm';
import { SECRET_ROTATION_OVERLAP_MS } from '../webhooks.constants';
import { WebhooksError } from '../webhooks.errors';
import { WebhooksSettings } from '../webhooks-settings';

/** What the API shows of a subscription's key: a shared secret, or an asymmetric public key. */
export type ShownKey = { secret: string } | { publicKey: string };

/** Key material to store: the secret or private key (encrypted) and the public key, if any. */
export interface StoredKey {
  secretEncrypted: string;
  publicKey: string | null;
}

/**
 * A subscription's signing key material. Symmetric algorithms (the HMACs) sign with a secret the
 * subscriber may choose and sees; asymmetric ones (`Ed25519`, or a host provider with
 * `asymmetric`) with a key pair the server generates: the private key stays encrypted here and
 * only the public key is shown.
 */
@Injectable()
export class SigningKeys {
  constructor(
    private readonly signers: SignatureProviderRegistry,
    private readonly settings: WebhooksSettings,
  ) {}

  /** New material for `algorithm`: the caller's secret (symmetric only), else a generated one. */
  create(algorithm: string, chosenSecret?: string): { stored: StoredKey; shown: ShownKey } {
    const { asymmetric } = this.signers.get(algorithm);
    if (asymmetric) {
      if (chosenSecret !== undefined) {
        throw WebhooksError.invalidField(
          'secret',
          `secret cannot be chosen with ${algorithm}: the server generates the key pair and answers its publicKey`,
        );
      }
      const { privateKey, publicKey } = asymmetric.generateKeyPair();
      return {
        stored: { secretEncrypted: this.settings.cipher.encrypt(privateKey), publicKey },
        shown: { publicKey },
      };
    }
    const secret = chosenSecret ?? generateSigningSecret();
    return {
      stored: { secretEncrypted: this.settings.cipher.encrypt(secret), publicKey: null },
      shown: { secret },
    };
  }

  /** What `GET .../secret` answers: the secret, or the public key (a private key never). */
  shown(row: WebhookSubscription): ShownKey {
    if (row.publicKey !== null) return { publicKey: row.publicKey };
    return { secret: this.settings.cipher.decrypt(row.secretEncrypted) };
  }

  /** A rotation: new material; the current one keeps signing beside it for 24 h. */
  rotate(row: WebhookSubscription): { changes: Partial<WebhookSubscription>; shown: ShownKey } {
    const { stored, shown } = this.create(row.signatureAlgorithm);
    return {
      changes: {
        ...stored,
        previousSecretEncrypted: row.secretEncrypted,
        previousSecretExpiresAt: new Date(Date.now() + SECRET_ROTATION_OVERLAP_MS),
      },
      shown,
    };
  }

  /**
   * The material a change of algorithm needs: none between two symmetric algorithms (the secret
   * signs with either); new material, with no overlap, when the new or the old one is
   * asymmetric (a secret cannot sign as a private key, nor the reverse).
   */
  forAlgorithmChange(row: WebhookSubscription, algorithm: string): Partial<WebhookSubscription> {
    if (algorithm === row.signatureAlgorithm) return {};
    const asymmetric = this.signers.get(algorithm).asymmetric !== undefined;
    if (!asymmetric && row.publicKey === null) return {};
    return {
      ...this.create(algorithm).stored,
      previousSecretEncrypted: null,
      previousSecretExpiresAt: null,
    };
  }

  /** Refuses `signedContent: body` for an algorithm whose provider cannot sign the body alone. */
  checkSignedContent(algorithm: string, signedContent: SignedContent): void {
    refuseUnsupportedSignedContent(algorithm, signedContent, this.signers);
  }
}
