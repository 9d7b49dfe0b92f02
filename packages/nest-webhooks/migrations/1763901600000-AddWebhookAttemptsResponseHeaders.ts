import { MigrationInterface, QueryRunner } from 'typeorm';

/** Planner settings of the dispatcher's functions (as migration 1763900800000 set them). */
const INDEX_PLANS_ONLY = `
      SET enable_seqscan = off
      SET enable_bitmapscan = off
      SET enable_hashjoin = off
      SET enable_mergejoin = off`;

/**
 * `webhook_record_attempts` as migration 1763901400000 made it, and (with `responseHeaders`)
 * writing each attempt's `response_headers` (a `response_headers` key of each record).
 */
function recordAttemptsFunction(responseHeaders: boolean): string {
  return `
      CREATE OR REPLACE FUNCTION "webhook_record_attempts"(
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
            request_headers jsonb, at timestamptz, next_status varchar, next_attempt_at timestamptz${responseHeaders ? ', response_headers jsonb' : ''})
        ), attempt_rows AS (
          INSERT INTO webhook_attempts (id, company_id, delivery_id, event_id, subscription_id, event_type,
            attempt_number, status, status_code, duration_ms, error, response_body, request_headers, created_at,
            retry_scheduled${responseHeaders ? ', response_headers' : ''})
          SELECT v.attempt_id, v.company_id, v.delivery_id, v.event_id, v.subscription_id, v.event_type,
                 v.attempt_number, v.status, v.status_code, v.duration_ms, v.error, v.response_body,
                 v.request_headers, v.at, v.status = 'failed' AND v.next_status = 'pending'${responseHeaders ? ', v.response_headers' : ''}
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
      $$`;
}

/**
 * Each attempt keeps the response headers as received (at most 50, each value at most 1 KiB;
 * null when no answer came), beside the request headers it already kept.
 */
export class AddWebhookAttemptsResponseHeaders1763901600000 implements MigrationInterface {
  name = 'AddWebhookAttemptsResponseHeaders1763901600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_attempts" ADD "response_headers" jsonb`);
    await queryRunner.query(recordAttemptsFunction(true));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(recordAttemptsFunction(false));
    await queryRunner.query(`ALTER TABLE "webhook_attempts" DROP COLUMN "response_headers"`);
  }
}
