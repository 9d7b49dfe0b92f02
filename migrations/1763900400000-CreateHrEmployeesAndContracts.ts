import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHrEmployeesAndContracts1763900400000 implements MigrationInterface {
  name = 'CreateHrEmployeesAndContracts1763900400000';

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
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_employees" PRIMARY KEY ("id"),
        CONSTRAINT "fk_hr_employees_candidate" FOREIGN KEY ("candidate_id") REFERENCES "hr_candidates" ("id"),
        CONSTRAINT "ck_hr_employees_termination_reason" CHECK ("termination_reason" IS NULL OR "termination_reason" IN ('RESIGNATION', 'DISMISSAL', 'RUPTURE_CONVENTIONNELLE', 'END_OF_FIXED_TERM', 'RETIREMENT', 'TRIAL_PERIOD_END')),
        CONSTRAINT "ck_hr_employees_termination" CHECK (("termination_date" IS NULL) = ("termination_reason" IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_hr_employees_company_created" ON "hr_employees" ("company_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_hr_employees_candidate" ON "hr_employees" ("candidate_id")`,
    );
    await queryRunner.query(`
      CREATE TABLE "hr_contracts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "employee_id" uuid NOT NULL,
        "contract_type" varchar(16) NOT NULL,
        "start_date" date NOT NULL,
        "end_date" date,
        "signed_at" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_contracts" PRIMARY KEY ("id"),
        CONSTRAINT "fk_hr_contracts_employee" FOREIGN KEY ("employee_id") REFERENCES "hr_employees" ("id"),
        CONSTRAINT "ck_hr_contracts_type" CHECK ("contract_type" IN ('CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE')),
        CONSTRAINT "ck_hr_contracts_dates" CHECK ("end_date" IS NULL OR "end_date" > "start_date"),
        CONSTRAINT "ck_hr_contracts_cdd_end" CHECK ("contract_type" <> 'CDD' OR "end_date" IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_hr_contracts_employee" ON "hr_contracts" ("employee_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hr_contracts"`);
    await queryRunner.query(`DROP TABLE "hr_employees"`);
  }
}
