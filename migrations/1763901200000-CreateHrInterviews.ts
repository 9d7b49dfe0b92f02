import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHrInterviews1763901200000 implements MigrationInterface {
  name = 'CreateHrInterviews1763901200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "hr_interviews" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "application_id" uuid NOT NULL,
        "kind" varchar(16) NOT NULL,
        "scheduled_at" timestamptz(3) NOT NULL,
        "interviewers" text array NOT NULL,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_interviews" PRIMARY KEY ("id"),
        CONSTRAINT "fk_hr_interviews_application" FOREIGN KEY ("application_id") REFERENCES "hr_job_applications" ("id"),
        CONSTRAINT "ck_hr_interviews_kind" CHECK ("kind" IN ('phone', 'video', 'on-site')),
        CONSTRAINT "ck_hr_interviews_interviewers" CHECK (cardinality("interviewers") > 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_hr_interviews_company" ON "hr_interviews" ("company_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_hr_interviews_application" ON "hr_interviews" ("application_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hr_interviews"`);
  }
}
