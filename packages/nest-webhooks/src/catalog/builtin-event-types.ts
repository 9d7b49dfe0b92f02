import type { EventTypeDefinition } from '../interfaces/event-type.interface';

export const WEBHOOK_PING = 'webhook.ping';
export const WEBHOOK_ENDPOINT_DISABLED = 'webhook.endpoint.disabled';

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
];
