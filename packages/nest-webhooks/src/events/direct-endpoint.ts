import type { EntityManager } from 'typeorm';
import type { DirectEndpoint } from '../entities/webhook-delivery.entity';
import type { SerializerRegistry } from '../formats/serializer-registry';
import type { DirectSendDefaults } from '../interfaces/webhooks-module-options.interface';
import { signingSecretProblem } from '../security/secret-cipher';
import {
  refuseUnknownFormatOrAlgorithm,
  refuseUnsupportedSignedContent,
} from '../signing/known-format-and-algorithm';
import type { SignatureProviderRegistry } from '../signing/signature-headers';
import type { WebhookSignatureProvider } from '../interfaces/signature-provider.interface';
import { checkSubscriberUrl, UrlPolicyViolation } from '../security/url-policy';
import { WebhooksError } from '../webhooks.errors';
import type { WebhooksSettings } from '../webhooks-settings';

/**
 * Per-call endpoint settings of `send` over the module's `directSend` defaults (a `secret` of
 * null sends unsigned; headers are merged, per-call entries winning).
 */
export interface DirectSendOptions extends DirectSendDefaults {
  companyId: string;
  manager?: EntityManager;
}

/**
 * The endpoint of a direct send: per-call options over the module's `directSend` defaults, the
 * URL checked against the URL policy, the format and signature algorithm against the registered
 * ones, and the secret encrypted as a subscription's is.
 */
export async function directEndpoint(
  options: DirectSendOptions,
  settings: WebhooksSettings,
  registered: { serializers: SerializerRegistry; signers: SignatureProviderRegistry },
): Promise<DirectEndpoint> {
  const base = settings.directSend;
  const format = options.format ?? base.format ?? 'json';
  const signatureAlgorithm = options.signatureAlgorithm ?? base.signatureAlgorithm ?? 'HmacSha256';
  refuseUnknownFormatOrAlgorithm(
    { format, signatureAlgorithm },
    registered.serializers,
    registered.signers,
  );
  const url = options.url ?? base.url;
  if (!url) throw WebhooksError.invalidField('url', 'url is required for a direct send');
  try {
    await checkSubscriberUrl(url, settings.urlPolicy, settings.resolveHost);
  } catch (error) {
    if (error instanceof UrlPolicyViolation) throw WebhooksError.invalidField('url', error.message);
    throw error;
  }
  const secret = options.secret === undefined ? base.secret : options.secret;
  const secretProblem = secret
    ? keyProblem(secret, registered.signers.get(signatureAlgorithm))
    : null;
  if (secretProblem) throw WebhooksError.invalidField('secret', secretProblem);
  const signedContent = options.signedContent ?? base.signedContent ?? 'timestamp.body';
  refuseUnsupportedSignedContent(signatureAlgorithm, signedContent, registered.signers);
  const defaults = settings.defaults;
  return {
    url,
    secretEncrypted: secret ? settings.cipher.encrypt(secret) : null,
    signatureAlgorithm,
    signedContent,
    format,
    headers: { ...(base.headers ?? {}), ...(options.headers ?? {}) },
    maxRetryCount: options.maxRetryCount ?? base.maxRetryCount ?? defaults.maxRetryCount,
    retryDelayMs: options.retryDelayMs ?? base.retryDelayMs ?? defaults.retryDelayMs,
    retryBackoffMultiplier:
      options.retryBackoffMultiplier ??
      base.retryBackoffMultiplier ??
      defaults.retryBackoffMultiplier,
    requestTimeoutMs:
      options.requestTimeoutMs ?? base.requestTimeoutMs ?? defaults.requestTimeoutMs,
  };
}

/** Why `secret` cannot sign with `provider`: a `whsec_` secret, or an asymmetric private key. */
function keyProblem(secret: string, provider: WebhookSignatureProvider): string | null {
  if (!provider.asymmetric) return signingSecretProblem(secret);
  try {
    provider.asymmetric.publicKeyOf(secret);
    return null;
  } catch (error) {
    return `secret must be an ${provider.algorithm} private key: ${error instanceof Error ? error.message : String(error)}`;
  }
}
