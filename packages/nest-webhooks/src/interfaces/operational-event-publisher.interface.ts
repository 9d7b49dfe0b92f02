import type { EntityManager } from 'typeorm';

/** One operational event to publish: its type, its data and its company. */
export interface OperationalEvent {
  type: string;
  data: unknown;
  companyId: string;
}

/**
 * How the delivery engine publishes events about the webhooks themselves (such as
 * `webhook.endpoint.disabled`) without depending on the publisher: the module binds
 * `OPERATIONAL_EVENTS` to `OperationalEvents`.
 */
export interface OperationalEventPublisher {
  publish(
    type: string,
    data: unknown,
    options: { companyId: string; manager?: EntityManager },
  ): Promise<unknown>;
  /** Several, in order, in `manager`'s transaction when given; `null` for those nobody hears. */
  publishAll(events: readonly OperationalEvent[], manager?: EntityManager): Promise<unknown[]>;
}
