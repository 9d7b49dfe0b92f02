import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `handshake`: `none`, or `cloudevents` (the CloudEvents validation request on create and URL change). */
export class AddSubscriptionHandshake1763902100000 implements MigrationInterface {
  name = 'AddSubscriptionHandshake1763902100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "webhook_subscriptions"
        ADD COLUMN "handshake" varchar(16) NOT NULL DEFAULT 'none',
        ADD CONSTRAINT "chk_webhook_subscriptions_handshake" CHECK ("handshake" IN ('none', 'cloudevents'))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "webhook_subscriptions"
        DROP CONSTRAINT "chk_webhook_subscriptions_handshake",
        DROP COLUMN "handshake"`);
  }
}
