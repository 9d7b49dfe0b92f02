import { WebhookAttempt } from './deliveries/webhook-attempt.entity';
import { WebhookDelivery } from './deliveries/webhook-delivery.entity';
import { WebhookEvent } from './events/webhook-event.entity';
import { WebhookSubscription } from './subscriptions/webhook-subscription.entity';

/** The module's TypeORM entities: add them to the host's data source. */
export const WEBHOOKS_ENTITIES = [
  WebhookSubscription,
  WebhookEvent,
  WebhookDelivery,
  WebhookAttempt,
];
