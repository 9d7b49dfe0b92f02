import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhookSubscriptions1763900000000 implements MigrationInterface {
  name = 'CreateWebhookSubscriptions1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhook_subscriptions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "url" varchar(2048) NOT NULL,
        "events" text[] NOT NULL,
        "description" varchar(500),
        "is_active" boolean NOT NULL DEFAULT true,
        "secret_encrypted" text NOT NULL,
        "previous_secret_encrypted" text,
        "previous_secret_expires_at" timestamptz(3),
        "format" varchar(32) NOT NULL,
        "signature_algorithm" varchar(16) NOT NULL,
        "headers" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "max_retry_count" integer NOT NULL,
        "retry_delay_ms" integer NOT NULL,
        "retry_backoff_multiplier" double precision NOT NULL,
        "request_timeout_ms" integer NOT NULL,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        "deleted_at" timestamptz(3),
        CONSTRAINT "pk_webhook_subscriptions" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_subscriptions_company_created" ON "webhook_subscriptions" ("company_id", "created_at", "id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_subscriptions"`);
  }
}
