import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DeliveryStatus } from '../entities/delivery-status';
import { SerializerRegistry } from '../formats/serializer-registry';
import type { WebhookHttpClient } from '../interfaces/webhook-http-client.interface';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import { SignatureProviderRegistry, signatureHeaders } from '../signing/signature-headers';
import { WEBHOOK_HTTP_CLIENT } from '../webhooks.constants';
import { WebhooksSettings } from '../webhooks-settings';
import { loggedRequestHeaders, loggedResponseHeaders } from './attempt-headers';
import type { AttemptMade } from './attempt-outcome';
import { deliveryMetrics } from './delivery-metrics';
import type { DeliveryTarget } from './delivery-targets';
import { decideAfterAttempt } from './retry-policy';

/** One attempt of one delivery: serialize, sign, send over HTTP, classify the answer. */
@Injectable()
export class DeliveryAttempt {
  constructor(
    private readonly settings: WebhooksSettings,
    private readonly serializers: SerializerRegistry,
    private readonly signers: SignatureProviderRegistry,
    @Inject(WEBHOOK_HTTP_CLIENT) private readonly http: WebhookHttpClient,
  ) {}

  /**
   * Sends `delivery` to `target` and decides what comes next: succeeded, failed, or (with
   * `retry`) pending again at the retry policy's time. `retry: false` ends it after this attempt.
   */
  async make(
    delivery: ClaimedDelivery,
    target: DeliveryTarget,
    options: { retry: boolean },
  ): Promise<AttemptMade> {
    const { body, headers } = this.request(delivery, target);
    const response = await this.http.send({
      url: target.url,
      headers,
      body,
      timeoutMs: target.requestTimeoutMs,
      allowPrivateAddresses: this.settings.urlPolicy.allowPrivateUrls,
    });
    const at = new Date();
    const decision = decideAfterAttempt(response, delivery.attemptNumber, target, at.getTime());
    deliveryMetrics.attempts.inc({ outcome: decision.outcome });
    deliveryMetrics.duration.observe(response.durationMs / 1000);
    const succeeded = decision.outcome === 'succeeded';
    let nextStatus: DeliveryStatus = succeeded ? 'succeeded' : 'failed';
    let nextAttemptAt: Date | null = null;
    if (decision.outcome === 'retry' && options.retry) {
      nextStatus = 'pending';
      nextAttemptAt = new Date(at.getTime() + decision.delayMs);
    }
    return {
      kind: 'attempted',
      attemptId: randomUUID(),
      delivery,
      status: succeeded ? 'succeeded' : 'failed',
      statusCode: response.statusCode,
      durationMs: Math.round(response.durationMs),
      error: response.error,
      responseBody: response.body,
      requestHeaders: loggedRequestHeaders(headers, target.headers),
      responseHeaders: loggedResponseHeaders(response.statusCode, response.headers),
      at,
      nextStatus,
      nextAttemptAt,
      gone: decision.outcome === 'gone',
    };
  }

  /** Closes the HTTP client (shutdown): requests still running are aborted. */
  async close(): Promise<void> {
    await this.http.close();
  }

  /** The body in the target's format, and the headers with the signatures over those bytes. */
  private request(
    delivery: ClaimedDelivery,
    target: DeliveryTarget,
  ): { body: Buffer; headers: Record<string, string> } {
    const serializer = this.serializers.get(target.format);
    const batch = delivery.batchEventIds !== null;
    const body = batch
      ? serializer.serializeBatch(delivery.batch ?? [delivery.event])
      : serializer.serialize(delivery.event);
    const timestamp = Math.floor(Date.now() / 1000);
    const messageId = batch ? delivery.id : delivery.eventId;
    const headers: Record<string, string> = {
      ...target.headers,
      'content-type': batch ? serializer.batchContentType : serializer.contentType,
      'user-agent': this.settings.userAgent,
      'X-Webhook-Event': delivery.eventType,
      'X-Webhook-Delivery': delivery.id,
    };
    if (target.secrets.length > 0) {
      const provider = this.signers.get(target.signatureAlgorithm);
      Object.assign(
        headers,
        signatureHeaders({ messageId, timestamp, body, secrets: target.secrets, provider }),
      );
    } else {
      headers['webhook-id'] = messageId;
      headers['webhook-timestamp'] = String(timestamp);
      headers['X-Webhook-Timestamp'] = String(timestamp);
    }
    return { body, headers };
  }
}
