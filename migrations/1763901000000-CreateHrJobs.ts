import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHrJobs1763901000000 implements MigrationInterface {
  name = 'CreateHrJobs1763901000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "hr_jobs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "title" varchar(200) NOT NULL,
        "description" text NOT NULL,
        "location" varchar(200) NOT NULL,
        "contract_type" varchar(16) NOT NULL,
        "salary_min" integer,
        "salary_max" integer,
        "skills" text array NOT NULL DEFAULT '{}',
        "status" varchar(16) NOT NULL DEFAULT 'draft',
        "close_reason" varchar(16),
        "published_at" timestamptz(3),
        "closed_at" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_jobs" PRIMARY KEY ("id"),
        CONSTRAINT "ck_hr_jobs_contract_type" CHECK ("contract_type" IN ('CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE')),
        CONSTRAINT "ck_hr_jobs_status" CHECK ("status" IN ('draft', 'published', 'closed')),
        CONSTRAINT "ck_hr_jobs_salary_range" CHECK ("salary_min" IS NULL OR "salary_max" IS NULL OR "salary_max" >= "salary_min"),
        CONSTRAINT "ck_hr_jobs_closed" CHECK (("status" = 'closed') = ("close_reason" IS NOT NULL) AND ("status" = 'closed') = ("closed_at" IS NOT NULL)),
        CONSTRAINT "ck_hr_jobs_published" CHECK (("status" = 'draft') = ("published_at" IS NULL)),
        CONSTRAINT "ck_hr_jobs_close_reason" CHECK ("close_reason" IS NULL OR "close_reason" IN ('filled', 'cancelled'))
      )`);
    // The company's list, newest first.
    await queryRunner.query(
      `CREATE INDEX "idx_hr_jobs_company_created" ON "hr_jobs" ("company_id", "created_at", "id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hr_jobs"`);
  }
}
