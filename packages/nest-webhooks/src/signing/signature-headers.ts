import { createHmac } from 'node:crypto';
import type { WebhookSignatureProvider } from '../interfaces/signature-provider.interface';
import { SECRET_PREFIX } from '../webhooks.constants';
import { BUILTIN_SIGNATURE_PROVIDERS } from './hmac-signature-providers';

export interface SignatureHeadersInput {
  /** `webhook-id`: the event id (or the delivery id of a batch). */
  messageId: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  /** The exact bytes sent: signed as they are, never re-serialised. */
  body: Buffer;
  /** The current secret first, then the previous one while a rotation overlaps. */
  secrets: readonly string[];
  /** The subscription's `X-Webhook-Signature` algorithm. */
  provider: WebhookSignatureProvider;
  /** What `X-Webhook-Signature` signs: `<timestamp>.<body>` (the default) or the body alone. */
  signedContent?: SignedContent;
}

/** What `X-Webhook-Signature` signs (a subscription's `signedContent`). */
export const SIGNED_CONTENTS = ['timestamp.body', 'body'] as const;
export type SignedContent = (typeof SIGNED_CONTENTS)[number];

/** Header names exactly as sent (HTTP header names are case-insensitive). */
export const SIGNATURE_HEADER_NAMES = Object.freeze({
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
  legacyTimestamp: 'X-Webhook-Timestamp',
  legacySignature: 'X-Webhook-Signature',
  legacyAlgorithm: 'X-Webhook-Signature-Algorithm',
});

const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// Header values must not carry control characters (CR/LF would split the header).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The HMAC key of a Standard Webhooks secret: the base64-decoded part after `whsec_`. */
export function standardWebhooksKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded.length === 0 || encoded.length % 4 !== 0 || !STANDARD_BASE64.test(encoded)) {
    throw new Error(`A signing secret must be "${SECRET_PREFIX}" followed by standard base64`);
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('A signing secret must not be empty');
  return key;
}

/**
 * One Standard Webhooks signature: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed
 * with the base64-decoded part of the secret after `whsec_` (what `new Webhook(secret).verify()`
 * of the `standardwebhooks` package checks).
 */
export function standardWebhooksSignature(
  messageId: string,
  timestamp: number,
  body: Buffer,
  secret: string,
): string {
  const digest = createHmac('sha256', standardWebhooksKey(secret))
    .update(`${messageId}.${timestamp}.`, 'utf8')
    .update(body)
    .digest('base64');
  return `v1,${digest}`;
}

/**
 * The signature headers of one attempt: `webhook-id`, `webhook-timestamp`, `webhook-signature`
 * (Standard Webhooks: `v1,` HMACs, or the asymmetric provider's entries such as `v1a,`; several
 * secrets space-separated, new first), `X-Webhook-Timestamp`, `X-Webhook-Signature`
 * (`<prefix>=<signature>` with the subscription's algorithm over its signed content; several
 * comma-separated, new first) and `X-Webhook-Signature-Algorithm`.
 */
export function signatureHeaders(input: SignatureHeadersInput): Record<string, string> {
  const { messageId, timestamp, body, provider } = input;
  if (!messageId || CONTROL_CHARACTERS.test(messageId)) {
    throw new Error('The webhook-id must be a non-empty string without control characters');
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new Error(`The webhook timestamp must be whole Unix seconds (got ${timestamp})`);
  }
  // The same secret twice (a rotation to an identical value) signs once.
  const secrets = [...new Set(input.secrets)];
  if (secrets.length === 0) throw new Error('Signing needs at least one secret');
  const seconds = String(timestamp);
  const { asymmetric } = provider;
  const standard = asymmetric
    ? (secret: string) => asymmetric.standardSignature(messageId, timestamp, body, secret)
    : (secret: string) => standardWebhooksSignature(messageId, timestamp, body, secret);
  const legacy = legacySigner(provider, input.signedContent ?? 'timestamp.body', body, timestamp);
  return {
    [SIGNATURE_HEADER_NAMES.id]: messageId,
    [SIGNATURE_HEADER_NAMES.timestamp]: seconds,
    [SIGNATURE_HEADER_NAMES.signature]: secrets.map(standard).join(' '),
    [SIGNATURE_HEADER_NAMES.legacyTimestamp]: seconds,
    [SIGNATURE_HEADER_NAMES.legacySignature]: secrets
      .map((secret) => `${provider.prefix}=${legacy(secret)}`)
      .join(','),
    [SIGNATURE_HEADER_NAMES.legacyAlgorithm]: provider.algorithm,
  };
}

/** The `X-Webhook-Signature` value of one secret, over the subscription's signed content. */
function legacySigner(
  provider: WebhookSignatureProvider,
  signedContent: SignedContent,
  body: Buffer,
  timestamp: number,
): (secret: string) => string {
  if (signedContent === 'timestamp.body') return (secret) => provider.sign(body, timestamp, secret);
  const { signContent } = provider;
  if (!signContent) {
    throw new Error(`Signature algorithm "${provider.algorithm}" cannot sign the body alone`);
  }
  return (secret) => signContent.call(provider, body, secret);
}

/** Thrown by `SignatureProviderRegistry.get` for an algorithm nobody registered. */
export class UnknownSignatureAlgorithmError extends Error {
  constructor(
    readonly algorithm: string,
    known: readonly string[],
  ) {
    super(`Unknown signature algorithm "${algorithm}" (known: ${known.join(', ')})`);
    this.name = 'UnknownSignatureAlgorithmError';
  }
}

const PREFIX_TOKEN = /^[A-Za-z0-9_.-]+$/;

/**
 * The signature algorithms a subscription may use: the built-ins (`HmacSha256`, `HmacSha384`,
 * `HmacSha512`, `HmacSha1`, `Ed25519`) and the host's (module option `signatureProviders`). A host provider
 * whose `algorithm` is a built-in's name replaces that built-in. Names are case-sensitive.
 */
export class SignatureProviderRegistry {
  private readonly providers = new Map<string, WebhookSignatureProvider>();

  constructor(extra: readonly WebhookSignatureProvider[] = []) {
    for (const provider of BUILTIN_SIGNATURE_PROVIDERS) {
      this.providers.set(provider.algorithm, provider);
    }
    const seen = new Set<string>();
    for (const provider of extra) {
      const { algorithm, prefix } = provider;
      if (typeof algorithm !== 'string' || algorithm.length === 0) {
        throw new Error('A signature provider needs a non-empty `algorithm`');
      }
      if (typeof prefix !== 'string' || !PREFIX_TOKEN.test(prefix)) {
        throw new Error(
          `Signature provider "${algorithm}": \`prefix\` must be letters, digits, "_", "." or "-"`,
        );
      }
      if (typeof provider.sign !== 'function') {
        throw new Error(`Signature provider "${algorithm}" has no sign() method`);
      }
      if (seen.has(algorithm)) {
        throw new Error(`Signature algorithm "${algorithm}" is registered twice`);
      }
      seen.add(algorithm);
      this.providers.set(algorithm, provider);
    }
  }

  /** The provider of `algorithm`; throws `UnknownSignatureAlgorithmError` when there is none. */
  get(algorithm: string): WebhookSignatureProvider {
    const provider = this.providers.get(algorithm);
    if (!provider) throw new UnknownSignatureAlgorithmError(algorithm, this.algorithms());
    return provider;
  }

  has(algorithm: string): boolean {
    return this.providers.has(algorithm);
  }

  /** Every algorithm name: the built-ins first, then the host's, in registration order. */
  algorithms(): string[] {
    return [...this.providers.keys()];
  }
}
