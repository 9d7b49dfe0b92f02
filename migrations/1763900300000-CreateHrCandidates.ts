import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHrCandidates1763900300000 implements MigrationInterface {
  name = 'CreateHrCandidates1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "hr_candidates" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "first_name" varchar(100) NOT NULL,
        "last_name" varchar(100) NOT NULL,
        "email" varchar(254) NOT NULL,
        "status" varchar(16) NOT NULL DEFAULT 'new',
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_candidates" PRIMARY KEY ("id"),
        CONSTRAINT "uq_hr_candidates_company_email" UNIQUE ("company_id", "email"),
        CONSTRAINT "ck_hr_candidates_status" CHECK ("status" IN ('new', 'screening', 'interview', 'offer', 'hired', 'rejected'))
      )`);
    // The company's list, newest first.
    await queryRunner.query(
      `CREATE INDEX "idx_hr_candidates_company_created" ON "hr_candidates" ("company_id", "created_at", "id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hr_candidates"`);
  }
}
