import { MigrationInterface, QueryRunner } from 'typeorm';

const DUE_QUERY = `
        SELECT d.id FROM webhook_deliveries d
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
          AND (d.subscription_id IS NULL OR NOT (d.subscription_id = ANY(excluded)))
        ORDER BY d.next_attempt_at
        LIMIT max_rows
        FOR UPDATE SKIP LOCKED`;

/**
 * For the dispatcher's statements, now prepared once per connection:
 * - `webhook_due_deliveries` in PL/pgSQL instead of SQL, with the same query and settings. A SQL
 *   function that is not inlined (this one never is: it locks rows) parses and plans its query on
 *   every call; PL/pgSQL keeps the plan for the session.
 * - A lease owner exactly while `sending`. The record and release statements then find their rows
 *   by id and lease owner alone: with a status test, a generic plan read every leased row through
 *   `idx_webhook_deliveries_leased` (estimated at a few rows: a queue table's statistics are
 *   always behind) to keep a handful.
 */
export class StableDispatchPlans1763900800000 implements MigrationInterface {
  name = 'StableDispatchPlans1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION "webhook_due_deliveries"("max_rows" integer, "excluded" uuid[])
      RETURNS TABLE ("id" uuid)
      LANGUAGE plpgsql VOLATILE
      ROWS 50
      SET enable_bitmapscan = off
      SET enable_seqscan = off
      AS $$
      BEGIN
        RETURN QUERY ${DUE_QUERY};
      END
      $$`);
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "ck_webhook_deliveries_lease" CHECK (("status" = 'sending') = ("lease_owner" IS NOT NULL))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "ck_webhook_deliveries_lease"`,
    );
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION "webhook_due_deliveries"("max_rows" integer, "excluded" uuid[])
      RETURNS TABLE ("id" uuid)
      LANGUAGE sql VOLATILE
      ROWS 50
      SET enable_bitmapscan = off
      SET enable_seqscan = off
      AS $$ ${DUE_QUERY} $$`);
  }
}
