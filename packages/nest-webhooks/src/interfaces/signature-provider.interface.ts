/**
 * Computes the `X-Webhook-Signature` value for one algorithm (a subscription's
 * `signatureAlgorithm`). Built-ins: HmacSha256, HmacSha384, HmacSha512, HmacSha1; a host adds its
 * own through the module options' `signatureProviders` (matched by `algorithm`).
 */
export interface WebhookSignatureProvider {
  /** The subscription's `signatureAlgorithm` value, e.g. `HmacSha256`. */
  readonly algorithm: string;
  /** Prefix in `X-Webhook-Signature: <prefix>=<signature>`, e.g. `sha256`. */
  readonly prefix: string;
  /** Signature of `<timestamp>.<body>` (the exact bytes sent) with the whole secret string. */
  sign(body: Buffer, timestamp: number, secret: string): string;
}
