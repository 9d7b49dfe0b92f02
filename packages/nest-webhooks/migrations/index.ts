import type { QueryRunner } from 'typeorm';
import { CreateWebhookSubscriptions1763900000000 } from './1763900000000-CreateWebhookSubscriptions';
import { CreateEventsDeliveriesAttempts1763900100000 } from './1763900100000-CreateEventsDeliveriesAttempts';
import { AddSubscriptionBatchAndFailureTracking1763900200000 } from './1763900200000-AddSubscriptionBatchAndFailureTracking';
import { AddClaimDueDeliveriesFunction1763900700000 } from './1763900700000-AddClaimDueDeliveriesFunction';
import { StableDispatchPlans1763900800000 } from './1763900800000-StableDispatchPlans';
import { AddWebhookAttemptsRetryScheduled1763901400000 } from './1763901400000-AddWebhookAttemptsRetryScheduled';
import { AddWebhookAttemptsCompanyCreatedIndex1763901500000 } from './1763901500000-AddWebhookAttemptsCompanyCreatedIndex';
import { AddWebhookAttemptsResponseHeaders1763901600000 } from './1763901600000-AddWebhookAttemptsResponseHeaders';
import { AddSubscriptionDataFilter1763901700000 } from './1763901700000-AddSubscriptionDataFilter';
import { AddSubscriptionSignedContentAndPublicKey1763902000000 } from './1763902000000-AddSubscriptionSignedContentAndPublicKey';
import { AddSubscriptionHandshake1763902100000 } from './1763902100000-AddSubscriptionHandshake';

/**
 * The module's migrations, in order: a host adds them to its own data source's `migrations`
 * (they create the `webhook_*` tables and functions, and nothing else).
 */
export const WEBHOOKS_MIGRATIONS = [
  CreateWebhookSubscriptions1763900000000,
  CreateEventsDeliveriesAttempts1763900100000,
  AddSubscriptionBatchAndFailureTracking1763900200000,
  AddClaimDueDeliveriesFunction1763900700000,
  StableDispatchPlans1763900800000,
  AddWebhookAttemptsRetryScheduled1763901400000,
  AddWebhookAttemptsCompanyCreatedIndex1763901500000,
  AddWebhookAttemptsResponseHeaders1763901600000,
  AddSubscriptionDataFilter1763901700000,
  AddSubscriptionSignedContentAndPublicKey1763902000000,
  AddSubscriptionHandshake1763902100000,
];

/** What {@link webhooksMigrations} accepts. */
export interface WebhooksMigrationsOptions {
  /**
   * The PostgreSQL schema that holds the module's tables and functions (created if missing).
   * Without it they go where the connection's `search_path` puts new objects (usually `public`).
   * With it, the connection's `search_path` must name the schema too, so that the module finds
   * its tables at run time: for example `extra: { options: '-c search_path=public,webhooks' }`.
   */
  schema?: string;
}

type WebhooksMigration = (typeof WEBHOOKS_MIGRATIONS)[number];

/** A schema name the migrations can use unquoted-equivalent: lower case, PostgreSQL's 63 bytes. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The module's migrations for a host's data source, optionally creating everything in a schema
 * of the host's choice (the table names stay `webhook_*`; the schema keeps them apart from the
 * host's own). Each migration sets `search_path` to the schema for its own statements only and
 * puts the previous one back, so the host's migrations after it are not affected.
 */
export function webhooksMigrations(options: WebhooksMigrationsOptions = {}): WebhooksMigration[] {
  const { schema } = options;
  if (schema === undefined) return [...WEBHOOKS_MIGRATIONS];
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `webhooksMigrations: schema must be 1 to 63 lower-case letters, digits or underscores, not starting with a digit (got ${JSON.stringify(schema)})`,
    );
  }
  return WEBHOOKS_MIGRATIONS.map((Base) => {
    const InSchema = class extends Base {
      override async up(queryRunner: QueryRunner): Promise<void> {
        await inSchema(queryRunner, schema, () => super.up(queryRunner));
      }

      override async down(queryRunner: QueryRunner): Promise<void> {
        await inSchema(queryRunner, schema, () => super.down(queryRunner));
      }
    };
    Object.defineProperty(InSchema, 'name', { value: Base.name });
    return InSchema;
  });
}

async function inSchema(
  queryRunner: QueryRunner,
  schema: string,
  run: () => Promise<void>,
): Promise<void> {
  await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const [{ path }] = (await queryRunner.query(`SELECT current_setting('search_path') AS path`)) as {
    path: string;
  }[];
  await queryRunner.query(`SELECT set_config('search_path', $1, false)`, [schema]);
  try {
    await run();
  } finally {
    await queryRunner.query(`SELECT set_config('search_path', $1, false)`, [path]);
  }
}
