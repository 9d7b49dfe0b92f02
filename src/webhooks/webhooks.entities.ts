import { WebhookSubscription } from './subscriptions/webhook-subscription.entity';

/** The module's TypeORM entities: add them to the host's data source. */
export const WEBHOOKS_ENTITIES = [WebhookSubscription];
