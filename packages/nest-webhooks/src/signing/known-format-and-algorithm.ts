import type { SerializerRegistry } from '../formats/serializer-registry';
import { WebhooksError } from '../webhooks.errors';
import type { SignatureProviderRegistry, SignedContent } from './signature-headers';

/**
 * Refuses (400, naming the field) a body format or signature algorithm that no serializer or
 * signature provider of this module is registered for: built-in or host-registered only. Used
 * at every door a delivery's shape comes in by (subscriptions, direct sends), so that a delivery
 * is never stored with a request that cannot be built.
 */
export function refuseUnknownFormatOrAlgorithm(
  chosen: { format?: string; signatureAlgorithm?: string },
  serializers: SerializerRegistry,
  signers: SignatureProviderRegistry,
): void {
  if (chosen.format !== undefined && !serializers.has(chosen.format)) {
    throw WebhooksError.invalidField(
      'format',
      `format must be one of: ${serializers.formats().join(', ')}`,
    );
  }
  if (chosen.signatureAlgorithm !== undefined && !signers.has(chosen.signatureAlgorithm)) {
    throw WebhooksError.invalidField(
      'signatureAlgorithm',
      `signatureAlgorithm must be one of: ${signers.algorithms().join(', ')}`,
    );
  }
}

/**
 * Refuses `signedContent: body` (400, naming the field) for an algorithm whose provider cannot
 * sign the body alone (a host provider without `signContent`).
 */
export function refuseUnsupportedSignedContent(
  signatureAlgorithm: string,
  signedContent: SignedContent,
  signers: SignatureProviderRegistry,
): void {
  if (signedContent === 'body' && !signers.get(signatureAlgorithm).signContent) {
    throw WebhooksError.invalidField(
      'signedContent',
      `signedContent "body" is not supported by signatureAlgorithm ${signatureAlgorithm}`,
    );
  }
}
