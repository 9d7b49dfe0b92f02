import { MigrationInterface, QueryRunner } from 'typeorm';

/** A candidate's phone and skills, edited by PATCH /api/candidates/{id}. */
export class AddHrCandidateProfile1763900900000 implements MigrationInterface {
  name = 'AddHrCandidateProfile1763900900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "hr_candidates"
        ADD COLUMN "phone" varchar(32),
        ADD COLUMN "skills" text array NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "hr_candidates" DROP COLUMN "skills", DROP COLUMN "phone"`,
    );
  }
}
