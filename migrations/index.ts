import { CreateWebhookSubscriptions1763900000000 } from './1763900000000-CreateWebhookSubscriptions';

/**
 * The webhook module's migrations, in order: a host app that embeds WebhooksModule adds these to
 * its own data source's `migrations`.
 */
export const WEBHOOKS_MIGRATIONS = [CreateWebhookSubscriptions1763900000000];

/** Every migration of this app, in order (listed, not globbed, so jest and the CLI load them alike). */
export const ALL_MIGRATIONS = [...WEBHOOKS_MIGRATIONS];
