import type { EntityManager } from 'typeorm';

/**
 * How the delivery engine publishes events about the webhooks themselves (such as
 * `webhook.endpoint.disabled`) without depending on the publisher: the module binds
 * `OPERATIONAL_EVENTS` to `WebhookPublisher`.
 */
export interface OperationalEventPublisher {
  publish(
    type: string,
    data: unknown,
    options: { companyId: string; manager?: EntityManager },
  ): Promise<unknown>;
}
