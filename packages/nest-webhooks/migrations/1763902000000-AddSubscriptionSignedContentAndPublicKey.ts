import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `signedContent` (what `X-Webhook-Signature` signs: `timestamp.body`, or the body alone for
 * receivers of the original design) and the public key of an asymmetric algorithm (`Ed25519`),
 * whose private key is stored, encrypted, where a secret is.
 */
export class AddSubscriptionSignedContentAndPublicKey1763902000000 implements MigrationInterface {
  name = 'AddSubscriptionSignedContentAndPublicKey1763902000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "webhook_subscriptions"
        ADD COLUMN "signed_content" varchar(16) NOT NULL DEFAULT 'timestamp.body',
        ADD COLUMN "public_key" varchar(200),
        ADD CONSTRAINT "chk_webhook_subscriptions_signed_content"
          CHECK ("signed_content" IN ('timestamp.body', 'body'))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "webhook_subscriptions"
        DROP CONSTRAINT "chk_webhook_subscriptions_signed_content",
        DROP COLUMN "public_key",
        DROP COLUMN "signed_content"`);
  }
}
