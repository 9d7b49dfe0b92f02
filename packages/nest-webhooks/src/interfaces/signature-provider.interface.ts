/**
 * Computes the `X-Webhook-Signature` value for one algorithm (a subscription's
 * `signatureAlgorithm`). Built-ins: HmacSha256, HmacSha384, HmacSha512, HmacSha1 and Ed25519; a
 * host adds its own through the module options' `signatureProviders` (matched by `algorithm`).
 */
export interface WebhookSignatureProvider {
  /** The subscription's `signatureAlgorithm` value, e.g. `HmacSha256`. */
  readonly algorithm: string;
  /** Prefix in `X-Webhook-Signature: <prefix>=<signature>`, e.g. `sha256`. */
  readonly prefix: string;
  /** Signature of `<timestamp>.<body>` (the exact bytes sent) with the whole secret string. */
  sign(body: Buffer, timestamp: number, secret: string): string;
  /**
   * Signature of exactly `content`: what `signedContent: body` signs (the body alone, as the
   * original design's receivers check it). A provider without it cannot serve such subscriptions.
   */
  signContent?(content: Buffer, secret: string): string;
  /**
   * An asymmetric scheme: the server generates the key pair and keeps the private key (encrypted
   * like a secret, passed to `sign` as `secret`); receivers get only the public key.
   */
  readonly asymmetric?: AsymmetricSigning;
}

/** The key side of an asymmetric signature provider. */
export interface AsymmetricSigning {
  /** A new key pair: `privateKey` is stored encrypted, `publicKey` shown to the subscriber. */
  generateKeyPair(): { privateKey: string; publicKey: string };
  /** The public key of a private key made by `generateKeyPair`. */
  publicKeyOf(privateKey: string): string;
  /**
   * One Standard Webhooks `webhook-signature` entry (e.g. `v1a,<base64>`) over
   * `<id>.<timestamp>.<body>`, in place of the symmetric `v1,` HMAC.
   */
  standardSignature(messageId: string, timestamp: number, body: Buffer, privateKey: string): string;
}
