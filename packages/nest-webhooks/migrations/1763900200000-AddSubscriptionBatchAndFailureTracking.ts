import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSubscriptionBatchAndFailureTracking1763900200000 implements MigrationInterface {
  name = 'AddSubscriptionBatchAndFailureTracking1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "webhook_subscriptions"
        ADD COLUMN "batch" boolean NOT NULL DEFAULT false,
        ADD COLUMN "failing_since" timestamptz(3),
        ADD COLUMN "disabled_reason" varchar(200)`);
    // Fan-out: a company's active subscriptions whose filters overlap an event's.
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_subscriptions_active_company" ON "webhook_subscriptions" ("company_id") WHERE "is_active" AND "deleted_at" IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_webhook_subscriptions_active_company"`);
    await queryRunner.query(`
      ALTER TABLE "webhook_subscriptions"
        DROP COLUMN "disabled_reason",
        DROP COLUMN "failing_since",
        DROP COLUMN "batch"`);
  }
}
