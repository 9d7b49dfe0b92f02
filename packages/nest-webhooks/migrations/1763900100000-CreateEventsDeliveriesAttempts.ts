import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEventsDeliveriesAttempts1763900100000 implements MigrationInterface {
  name = 'CreateEventsDeliveriesAttempts1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhook_events" (
        "id" uuid NOT NULL,
        "company_id" varchar(128) NOT NULL,
        "type" varchar(200) NOT NULL,
        "data" jsonb NOT NULL,
        "idempotency_key" varchar(255),
        "request_hash" varchar(64),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_webhook_events" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_events_created" ON "webhook_events" ("created_at")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_webhook_events_idempotency" ON "webhook_events" ("company_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE "webhook_deliveries" (
        "id" uuid NOT NULL,
        "company_id" varchar(128) NOT NULL,
        "event_id" uuid NOT NULL,
        "batch_event_ids" uuid[],
        "subscription_id" uuid,
        "endpoint" jsonb,
        "event_type" varchar(200) NOT NULL,
        "status" varchar(16) NOT NULL,
        "attempt_count" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz(3),
        "lease_owner" varchar(64),
        "lease_expires_at" timestamptz(3),
        "last_status_code" integer,
        "last_error" text,
        "last_attempt_at" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("id"),
        CONSTRAINT "fk_webhook_deliveries_event" FOREIGN KEY ("event_id") REFERENCES "webhook_events" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_webhook_deliveries_subscription" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscriptions" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_webhook_deliveries_status" CHECK ("status" IN ('pending', 'sending', 'succeeded', 'failed', 'cancelled')),
        CONSTRAINT "ck_webhook_deliveries_target" CHECK ("subscription_id" IS NOT NULL OR "endpoint" IS NOT NULL)
      )`);
    // The dispatcher's claim: due pending rows in next_attempt_at order.
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_deliveries_due" ON "webhook_deliveries" ("next_attempt_at") WHERE "status" = 'pending'`,
    );
    // The lease reaper: rows whose holder stopped renewing.
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_deliveries_leased" ON "webhook_deliveries" ("lease_expires_at") WHERE "status" = 'sending'`,
    );
    // Recover: a subscription's failed deliveries by last attempt.
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_deliveries_failed" ON "webhook_deliveries" ("subscription_id", "last_attempt_at") WHERE "status" = 'failed'`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_deliveries_subscription_created" ON "webhook_deliveries" ("subscription_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_deliveries_event" ON "webhook_deliveries" ("event_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "webhook_attempts" (
        "id" uuid NOT NULL,
        "company_id" varchar(128) NOT NULL,
        "delivery_id" uuid NOT NULL,
        "event_id" uuid NOT NULL,
        "subscription_id" uuid,
        "event_type" varchar(200) NOT NULL,
        "attempt_number" integer NOT NULL,
        "status" varchar(16) NOT NULL,
        "status_code" integer,
        "duration_ms" integer NOT NULL,
        "error" text,
        "response_body" text,
        "request_headers" jsonb NOT NULL,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_webhook_attempts" PRIMARY KEY ("id"),
        CONSTRAINT "fk_webhook_attempts_delivery" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_webhook_attempts_status" CHECK ("status" IN ('succeeded', 'failed'))
      )`);
    // Logs: a subscription's attempts, newest first.
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_attempts_subscription_created" ON "webhook_attempts" ("subscription_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_attempts_delivery" ON "webhook_attempts" ("delivery_id", "attempt_number")`,
    );
    // Retention purge.
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_attempts_created" ON "webhook_attempts" ("created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_attempts"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "webhook_events"`);
  }
}
