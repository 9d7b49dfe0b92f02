import type { EventTypeDefinition } from '../interfaces/event-type.interface';

export const WEBHOOK_PING = 'webhook.ping';
export const WEBHOOK_ENDPOINT_CREATED = 'webhook.endpoint.created';
export const WEBHOOK_ENDPOINT_UPDATED = 'webhook.endpoint.updated';
export const WEBHOOK_ENDPOINT_DELETED = 'webhook.endpoint.deleted';
export const WEBHOOK_ENDPOINT_DISABLED = 'webhook.endpoint.disabled';
export const WEBHOOK_ENDPOINT_ENABLED = 'webhook.endpoint.enabled';
export const WEBHOOK_DELIVERY_FAILING = 'webhook.delivery.failing';
export const WEBHOOK_DELIVERY_EXHAUSTED = 'webhook.delivery.exhausted';
export const WEBHOOK_DELIVERY_RECOVERED = 'webhook.delivery.recovered';

/**
 * Operational events (the webhook system's own, `webhook.*`): `*` alone does not match them, and
 * each one about a subscription (`data.subscriptionId`) never goes to that subscription.
 */
export function isOperationalEventType(type: string): boolean {
  return type.startsWith('webhook.');
}

/** The subscription an operational event is about (its `data.subscriptionId`), or null. */
export function concernedSubscription(type: string, data: string): string | null {
  if (!isOperationalEventType(type)) return null;
  const about = (JSON.parse(data) as { subscriptionId?: unknown }).subscriptionId;
  return typeof about === 'string' && UUID.test(about) ? about : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const id = { type: 'string', format: 'uuid' };
const text = { type: 'string' };
const endpointSchema = {
  type: 'object',
  required: ['subscriptionId', 'url', 'events'],
  properties: { subscriptionId: id, url: text, events: { type: 'array', items: text } },
};
const deliverySchema = {
  type: 'object',
  required: [
    'deliveryId',
    'subscriptionId',
    'eventId',
    'eventType',
    'attemptCount',
    'lastStatusCode',
    'lastError',
  ],
  properties: {
    deliveryId: id,
    subscriptionId: id,
    eventId: id,
    eventType: text,
    attemptCount: { type: 'integer', minimum: 1 },
    lastStatusCode: { type: ['integer', 'null'] },
    lastError: { type: ['string', 'null'] },
  },
};

/** Event types the webhook system itself emits. */
export const BUILTIN_EVENT_TYPES: EventTypeDefinition[] = [
  {
    type: WEBHOOK_PING,
    description:
      'Sent by POST /api/webhooks/{id}/test to check that an endpoint receives and verifies deliveries.',
    schema: {
      type: 'object',
      required: ['subscriptionId', 'message'],
      properties: { subscriptionId: { type: 'string' }, message: { type: 'string' } },
    },
  },
  {
    type: WEBHOOK_ENDPOINT_CREATED,
    description: "A subscription was created; sent to the company's other subscriptions.",
    schema: endpointSchema,
  },
  {
    type: WEBHOOK_ENDPOINT_UPDATED,
    description: "A subscription was changed; sent to the company's other subscriptions.",
    schema: endpointSchema,
  },
  {
    type: WEBHOOK_ENDPOINT_DELETED,
    description: "A subscription was deleted; sent to the company's other subscriptions.",
    schema: endpointSchema,
  },
  {
    type: WEBHOOK_ENDPOINT_DISABLED,
    description:
      "A subscription was deactivated (410 Gone, or 5 days of failed deliveries); sent to the company's other subscriptions.",
    schema: {
      type: 'object',
      required: ['subscriptionId', 'url', 'reason', 'disabledAt'],
      properties: {
        subscriptionId: { type: 'string' },
        url: { type: 'string' },
        reason: { type: 'string' },
        disabledAt: { type: 'string', format: 'date-time' },
      },
    },
  },
  {
    type: WEBHOOK_ENDPOINT_ENABLED,
    description:
      "A subscription's isActive turned from false to true; sent to the company's other subscriptions.",
    schema: {
      type: 'object',
      required: ['subscriptionId', 'url'],
      properties: { subscriptionId: id, url: text },
    },
  },
  {
    type: WEBHOOK_DELIVERY_FAILING,
    description:
      "A delivery's 4th attempt failed (once per delivery); sent to the company's other subscriptions. Never about a delivery of a webhook.* event.",
    schema: deliverySchema,
  },
  {
    type: WEBHOOK_DELIVERY_EXHAUSTED,
    description:
      "A delivery ended failed (retries exhausted, or an answer that is not retried); sent to the company's other subscriptions.",
    schema: deliverySchema,
  },
  {
    type: WEBHOOK_DELIVERY_RECOVERED,
    description:
      "A delivery that had sent webhook.delivery.failing succeeded; sent to the company's other subscriptions.",
    schema: deliverySchema,
  },
];
