import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHrJobApplications1763901100000 implements MigrationInterface {
  name = 'CreateHrJobApplications1763901100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "hr_job_applications" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "job_id" uuid NOT NULL,
        "candidate_id" uuid NOT NULL,
        "status" varchar(16) NOT NULL DEFAULT 'submitted',
        "cover_letter" text,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_job_applications" PRIMARY KEY ("id"),
        CONSTRAINT "uq_hr_job_applications_job_candidate" UNIQUE ("job_id", "candidate_id"),
        CONSTRAINT "fk_hr_job_applications_job" FOREIGN KEY ("job_id") REFERENCES "hr_jobs" ("id"),
        CONSTRAINT "fk_hr_job_applications_candidate" FOREIGN KEY ("candidate_id") REFERENCES "hr_candidates" ("id"),
        CONSTRAINT "ck_hr_job_applications_status" CHECK ("status" IN ('submitted', 'reviewed', 'shortlisted', 'hired', 'rejected', 'withdrawn'))
      )`);
    // A job's list, newest first.
    await queryRunner.query(
      `CREATE INDEX "idx_hr_job_applications_job_created" ON "hr_job_applications" ("job_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_hr_job_applications_company" ON "hr_job_applications" ("company_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_hr_job_applications_candidate" ON "hr_job_applications" ("candidate_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hr_job_applications"`);
  }
}
