import { MigrationInterface, QueryRunner } from 'typeorm';

/** Planner settings of the dispatcher's functions: index plans only, whatever the statistics. */
const INDEX_PLANS_ONLY = `
      SET enable_seqscan = off
      SET enable_bitmapscan = off
      SET enable_hashjoin = off
      SET enable_mergejoin = off`;

const DUE_QUERY = `
        SELECT d.id FROM webhook_deliveries d
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
          AND (d.subscription_id IS NULL OR NOT (d.subscription_id = ANY(excluded)))
        ORDER BY d.next_attempt_at
        LIMIT max_rows
        FOR UPDATE SKIP LOCKED`;

/**
 * `webhook_due_deliveries`, the same query and settings in either language: SQL as migration
 * 1763900700000 made it, PL/pgSQL from this migration on.
 */
function dueDeliveriesFunction(language: 'sql' | 'plpgsql'): string {
  const body = language === 'sql' ? DUE_QUERY : `BEGIN RETURN QUERY ${DUE_QUERY}; END`;
  return `
      CREATE OR REPLACE FUNCTION "webhook_due_deliveries"("max_rows" integer, "excluded" uuid[])
      RETURNS TABLE ("id" uuid)
      LANGUAGE ${language} VOLATILE
      ROWS 50
      SET enable_bitmapscan = off
      SET enable_seqscan = off
      AS $$ ${body} $$`;
}

/**
 * The dispatcher's claim and record as PL/pgSQL functions planned with index scans and nested
 * loops only, and a lease owner exactly while `sending`.
 *
 * The app prepares its hot statements once per connection. PostgreSQL then keeps one generic
 * plan per statement, made with the table sizes of the moment: made while the queue was empty, it
 * read and hashed the whole deliveries and events tables at every claim once they held 20,000
 * rows (15 ms instead of 1 ms), until the next ANALYZE, which a queue table never has in time
 * (and autovacuum may be off). Inside these functions the only plans are the index ones, and
 * PL/pgSQL keeps them for the session. The same holds for `webhook_due_deliveries`, now in
 * PL/pgSQL: as a SQL function it was parsed and planned at every call.
 *
 * `webhook_lease_expires_at` is the lease of a delivery being sent: the configured lease, and at
 * least the request timeout plus 5 s, so that the lease outlasts the request (claim, hand-off and
 * test ping).
 */
export class StableDispatchPlans1763900800000 implements MigrationInterface {
  name = 'StableDispatchPlans1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION "webhook_lease_expires_at"("timeout_ms" integer, "lease_seconds" double precision)
      RETURNS timestamptz
      LANGUAGE sql STABLE
      AS $$ SELECT now() + make_interval(secs => greatest(lease_seconds, COALESCE(timeout_ms, 0) / 1000.0 + 5)) $$`);

    await queryRunner.query(dueDeliveriesFunction('plpgsql'));

    // Leases the oldest due deliveries (none of the subscriptions in p_excluded) to p_owner, and
    // returns them with their events.
    await queryRunner.query(`
      CREATE FUNCTION "webhook_claim_deliveries"(
        "p_owner" varchar, "p_max_rows" integer, "p_excluded" uuid[], "p_lease_seconds" double precision)
      RETURNS TABLE (
        "id" uuid, "company_id" varchar, "event_id" uuid, "batch_event_ids" uuid[], "subscription_id" uuid,
        "endpoint" jsonb, "event_type" varchar, "attempt_count" integer, "lease_expires_at" timestamptz,
        "type" varchar, "data" jsonb, "created_at" timestamptz, "subscription_version" timestamptz)
      LANGUAGE plpgsql VOLATILE
      ROWS 50 ${INDEX_PLANS_ONLY}
      AS $$
      #variable_conflict use_column
      BEGIN
        RETURN QUERY
        WITH claimed AS (
          UPDATE webhook_deliveries d
          SET status = 'sending', lease_owner = p_owner, attempt_count = d.attempt_count + 1,
              lease_expires_at = webhook_lease_expires_at(
                COALESCE((SELECT s.request_timeout_ms FROM webhook_subscriptions s WHERE s.id = d.subscription_id),
                         (d.endpoint ->> 'requestTimeoutMs')::int),
                p_lease_seconds),
              updated_at = now()
          FROM webhook_due_deliveries(p_max_rows, p_excluded) due
          WHERE d.id = due.id
          RETURNING d.id, d.company_id, d.event_id, d.batch_event_ids, d.subscription_id, d.endpoint,
                    d.event_type, d.attempt_count, d.lease_expires_at)
        SELECT c.id, c.company_id, c.event_id, c.batch_event_ids, c.subscription_id, c.endpoint,
               c.event_type, c.attempt_count, c.lease_expires_at, e.type, e.data, e.created_at, s.updated_at
        FROM claimed c JOIN webhook_events e ON e.id = c.event_id
        LEFT JOIN webhook_subscriptions s ON s.id = c.subscription_id;
      END
      $$`);

    // Records a batch of attempts (p_records: one JSON object each) of deliveries leased to
    // p_owner: attempt rows, the deliveries' next state, and the subscriptions' failing mark.
    await queryRunner.query(`
      CREATE FUNCTION "webhook_record_attempts"(
        "p_records" jsonb, "p_owner" varchar, "p_delivery_ids" uuid[],
        "p_subscription_ids" uuid[], "p_subscription_ok" boolean[], "p_subscription_since" timestamptz[])
      RETURNS TABLE ("attempts" bigint, "deliveries" bigint, "subscriptions" bigint)
      LANGUAGE plpgsql VOLATILE ${INDEX_PLANS_ONLY}
      AS $$
      #variable_conflict use_column
      BEGIN
        RETURN QUERY
        WITH v AS (
          SELECT * FROM jsonb_to_recordset(p_records) AS v(attempt_id uuid, delivery_id uuid,
            company_id varchar, event_id uuid, subscription_id uuid, event_type varchar, attempt_number int,
            status varchar, status_code int, duration_ms int, error text, response_body text,
            request_headers jsonb, at timestamptz, next_status varchar, next_attempt_at timestamptz)
        ), attempt_rows AS (
          INSERT INTO webhook_attempts (id, company_id, delivery_id, event_id, subscription_id, event_type,
            attempt_number, status, status_code, duration_ms, error, response_body, request_headers, created_at)
          SELECT v.attempt_id, v.company_id, v.delivery_id, v.event_id, v.subscription_id, v.event_type,
                 v.attempt_number, v.status, v.status_code, v.duration_ms, v.error, v.response_body,
                 v.request_headers, v.at
          FROM v WHERE v.attempt_id IS NOT NULL
          -- A retry of a write that committed but whose answer was lost (connection cut) is a no-op.
          ON CONFLICT (id) DO NOTHING
          RETURNING 1
        ), delivery_rows AS (
          UPDATE webhook_deliveries d
          SET status = v.next_status, next_attempt_at = v.next_attempt_at,
              last_status_code = COALESCE(v.status_code, CASE WHEN v.attempt_id IS NOT NULL THEN NULL ELSE d.last_status_code END),
              last_error = CASE WHEN v.attempt_id IS NOT NULL THEN v.error ELSE d.last_error END,
              last_attempt_at = CASE WHEN v.attempt_id IS NOT NULL THEN v.at ELSE d.last_attempt_at END,
              attempt_count = CASE WHEN v.attempt_id IS NOT NULL THEN d.attempt_count ELSE d.attempt_count - 1 END,
              lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
          FROM v
          -- Our lease stands for "still sending" (ck_webhook_deliveries_lease).
          WHERE d.id = ANY(p_delivery_ids) AND d.id = v.delivery_id AND d.lease_owner = p_owner
          RETURNING d.id
        ), subscription_rows AS (
          UPDATE webhook_subscriptions s
          SET failing_since = CASE WHEN v.ok THEN NULL ELSE v.since END
          FROM unnest(p_subscription_ids, p_subscription_ok, p_subscription_since) AS v(id, ok, since)
          WHERE s.id = v.id
            AND ((v.ok AND s.failing_since IS NOT NULL) OR (NOT v.ok AND s.failing_since IS NULL))
          RETURNING s.id
        )
        SELECT (SELECT count(*) FROM attempt_rows), (SELECT count(*) FROM delivery_rows),
               (SELECT count(*) FROM subscription_rows);
      END
      $$`);

    // NOT VALID: every write is checked from now on, without reading the whole table under this
    // migration's lock (which would stop claims and publishes meanwhile). The rows already there
    // keep the rule (every writer has always set and cleared the owner with the status); an
    // operator may run VALIDATE CONSTRAINT later, which does not block writes.
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "ck_webhook_deliveries_lease" CHECK (("status" = 'sending') = ("lease_owner" IS NOT NULL)) NOT VALID`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "ck_webhook_deliveries_lease"`,
    );
    await queryRunner.query(
      `DROP FUNCTION "webhook_record_attempts"(jsonb, varchar, uuid[], uuid[], boolean[], timestamptz[])`,
    );
    await queryRunner.query(
      `DROP FUNCTION "webhook_claim_deliveries"(varchar, integer, uuid[], double precision)`,
    );
    await queryRunner.query(dueDeliveriesFunction('sql'));
    await queryRunner.query(`DROP FUNCTION "webhook_lease_expires_at"(integer, double precision)`);
  }
}
