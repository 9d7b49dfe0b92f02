import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHrContracts1763900500000 implements MigrationInterface {
  name = 'CreateHrContracts1763900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "hr_contracts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "candidate_id" uuid NOT NULL,
        "employee_id" uuid NOT NULL,
        "contract_type" varchar(16) NOT NULL,
        "start_date" date NOT NULL,
        "end_date" date,
        "signed_at" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_contracts" PRIMARY KEY ("id"),
        CONSTRAINT "uq_hr_contracts_candidate" UNIQUE ("candidate_id"),
        CONSTRAINT "uq_hr_contracts_employee" UNIQUE ("employee_id"),
        CONSTRAINT "fk_hr_contracts_candidate" FOREIGN KEY ("candidate_id") REFERENCES "hr_candidates" ("id"),
        CONSTRAINT "fk_hr_contracts_employee" FOREIGN KEY ("employee_id") REFERENCES "hr_employees" ("id"),
        CONSTRAINT "ck_hr_contracts_type" CHECK ("contract_type" IN ('CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE')),
        CONSTRAINT "ck_hr_contracts_end_after_start" CHECK ("end_date" IS NULL OR "end_date" > "start_date"),
        CONSTRAINT "ck_hr_contracts_cdd_end" CHECK ("contract_type" <> 'CDD' OR "end_date" IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_hr_contracts_company" ON "hr_contracts" ("company_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hr_contracts"`);
  }
}
