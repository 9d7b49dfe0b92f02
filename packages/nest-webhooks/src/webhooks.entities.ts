import { WebhookAttempt } from './entities/webhook-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEvent } from './entities/webhook-event.entity';
import { WebhookSubscription } from './entities/webhook-subscription.entity';

/** The module's TypeORM entities: add them to the host's data source. */
export const WEBHOOKS_ENTITIES = [
  WebhookSubscription,
  WebhookEvent,
  WebhookDelivery,
  WebhookAttempt,
];
