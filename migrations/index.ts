import { CreateWebhookSubscriptions1763900000000 } from './1763900000000-CreateWebhookSubscriptions';
import { CreateEventsDeliveriesAttempts1763900100000 } from './1763900100000-CreateEventsDeliveriesAttempts';
import { AddSubscriptionBatchAndFailureTracking1763900200000 } from './1763900200000-AddSubscriptionBatchAndFailureTracking';

/**
 * The webhook module's migrations, in order: a host app that embeds WebhooksModule adds these to
 * its own data source's `migrations`.
 */
export const WEBHOOKS_MIGRATIONS = [
  CreateWebhookSubscriptions1763900000000,
  CreateEventsDeliveriesAttempts1763900100000,
  AddSubscriptionBatchAndFailureTracking1763900200000,
];

/** Every migration of this app, in order (listed, not globbed, so jest and the CLI load them alike). */
export const ALL_MIGRATIONS = [...WEBHOOKS_MIGRATIONS];
