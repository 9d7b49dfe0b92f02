import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /api/deliveries/stats` without a subscription: a company's attempts of the last hour (up
 * to a day) by minute. With a subscription it reads `idx_webhook_attempts_subscription_created`.
 */
export class AddWebhookAttemptsCompanyCreatedIndex1763901500000 implements MigrationInterface {
  name = 'AddWebhookAttemptsCompanyCreatedIndex1763901500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_attempts_company_created" ON "webhook_attempts" ("company_id", "created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_webhook_attempts_company_created"`);
  }
}
