import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHrEmployees1763900400000 implements MigrationInterface {
  name = 'CreateHrEmployees1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "hr_employees" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "candidate_id" uuid NOT NULL,
        "first_name" varchar(100) NOT NULL,
        "last_name" varchar(100) NOT NULL,
        "email" varchar(254) NOT NULL,
        "termination_date" date,
        "termination_reason" varchar(32),
        "terminated_at" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_employees" PRIMARY KEY ("id"),
        CONSTRAINT "uq_hr_employees_candidate" UNIQUE ("candidate_id"),
        CONSTRAINT "fk_hr_employees_candidate" FOREIGN KEY ("candidate_id") REFERENCES "hr_candidates" ("id"),
        CONSTRAINT "ck_hr_employees_termination_reason" CHECK ("termination_reason" IS NULL OR "termination_reason" IN ('RESIGNATION', 'DISMISSAL', 'RUPTURE_CONVENTIONNELLE', 'END_OF_FIXED_TERM', 'RETIREMENT', 'TRIAL_PERIOD_END')),
        CONSTRAINT "ck_hr_employees_termination_complete" CHECK (("termination_date" IS NULL) = ("termination_reason" IS NULL) AND ("termination_date" IS NULL) = ("terminated_at" IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_hr_employees_company" ON "hr_employees" ("company_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hr_employees"`);
  }
}
