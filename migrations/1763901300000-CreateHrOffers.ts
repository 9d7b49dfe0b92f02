import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateHrOffers1763901300000 implements MigrationInterface {
  name = 'CreateHrOffers1763901300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "hr_offers" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" varchar(128) NOT NULL,
        "application_id" uuid NOT NULL,
        "salary" integer NOT NULL,
        "start_date" date NOT NULL,
        "contract_type" varchar(16) NOT NULL,
        "status" varchar(16) NOT NULL DEFAULT 'draft',
        "sent_at" timestamptz(3),
        "accepted_at" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_hr_offers" PRIMARY KEY ("id"),
        CONSTRAINT "uq_hr_offers_application" UNIQUE ("application_id"),
        CONSTRAINT "fk_hr_offers_application" FOREIGN KEY ("application_id") REFERENCES "hr_job_applications" ("id"),
        CONSTRAINT "ck_hr_offers_salary" CHECK ("salary" > 0),
        CONSTRAINT "ck_hr_offers_contract_type" CHECK ("contract_type" IN ('CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE')),
        CONSTRAINT "ck_hr_offers_status" CHECK ("status" IN ('draft', 'sent', 'accepted')),
        CONSTRAINT "ck_hr_offers_moments" CHECK (("status" = 'draft') = ("sent_at" IS NULL) AND ("status" = 'accepted') = ("accepted_at" IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX "idx_hr_offers_company" ON "hr_offers" ("company_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "hr_offers"`);
  }
}
