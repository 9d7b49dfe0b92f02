import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSubscriptionDataFilter1763901700000 implements MigrationInterface {
  name = 'AddSubscriptionDataFilter1763901700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_subscriptions" ADD COLUMN "filter" jsonb`);
    // The publish statements' check that the publisher's filters are current: a company without
    // filtered subscriptions finds nothing in this (small) index.
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_subscriptions_filtered_company" ON "webhook_subscriptions" ("company_id") WHERE "filter" IS NOT NULL AND "is_active" AND "deleted_at" IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_webhook_subscriptions_filtered_company"`);
    await queryRunner.query(`ALTER TABLE "webhook_subscriptions" DROP COLUMN "filter"`);
  }
}
