import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHrTrainings1763900600000 implements MigrationInterface {
  name = 'CreateHrTrainings1763900600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "hr_trainings" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "title" varchar(200) NOT NULL,
        "cpf_eligible" boolean NOT NULL,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_trainings" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_hr_trainings_company" ON "hr_trainings" ("company_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "hr_training_completions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "training_id" uuid NOT NULL,
        "employee_id" uuid NOT NULL,
        "cpf_hours" numeric(6,2) NOT NULL,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_training_completions" PRIMARY KEY ("id"),
        CONSTRAINT "fk_hr_training_completions_training" FOREIGN KEY ("training_id") REFERENCES "hr_trainings" ("id"),
        CONSTRAINT "fk_hr_training_completions_employee" FOREIGN KEY ("employee_id") REFERENCES "hr_employees" ("id"),
        CONSTRAINT "ck_hr_training_completions_cpf_hours" CHECK ("cpf_hours" >= 0 AND "cpf_hours" <= 1000)
      )`);
    await queryRunner.query(
      `CREATE INDEX "idx_hr_training_completions_company" ON "hr_training_completions" ("company_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_hr_training_completions_training" ON "hr_training_completions" ("training_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_hr_training_completions_employee" ON "hr_training_completions" ("employee_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hr_training_completions"`);
    await queryRunner.query(`DROP TABLE "hr_trainings"`);
  }
}
