import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dispatcher's claim of due deliveries, as a function planned with bitmap and sequential scans
 * off: the oldest due rows straight from `idx_webhook_deliveries_due`, in order, stopping at
 * `max_rows`. Inline, the plan depended on table statistics that a queue table never has right
 * (it grows by tens of thousands of rows between two ANALYZE, and autovacuum may be off): with an
 * estimate of a few due rows, PostgreSQL read and sorted all of them for every claim (44 ms for
 * 35,000 due rows, against 0.3 ms for the ordered index scan).
 */
export class AddClaimDueDeliveriesFunction1763900700000 implements MigrationInterface {
  name = 'AddClaimDueDeliveriesFunction1763900700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION "webhook_due_deliveries"("max_rows" integer, "excluded" uuid[])
      RETURNS TABLE ("id" uuid)
      LANGUAGE sql VOLATILE
      ROWS 50
      SET enable_bitmapscan = off
      SET enable_seqscan = off
      AS $$
        SELECT d.id FROM webhook_deliveries d
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
          AND (d.subscription_id IS NULL OR NOT (d.subscription_id = ANY(excluded)))
        ORDER BY d.next_attempt_at
        LIMIT max_rows
        FOR UPDATE SKIP LOCKED
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION "webhook_due_deliveries"(integer, uuid[])`);
  }
}
