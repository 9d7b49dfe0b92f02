import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The retention purge's indexes on `created_at` become BRIN: attempts and events are only ever
 * appended, so a block-range summary finds the old rows as well as a B-tree did, at a fraction of
 * the cost of keeping a B-tree entry for every attempt and event written (the hot path). Ranges
 * are summarised by autovacuum (`autosummarize`); unsummarised ones are read in full, so the
 * purge stays correct, only slower, where autovacuum is off.
 */
export class BrinCreatedAtIndexes1763900800000 implements MigrationInterface {
  name = 'BrinCreatedAtIndexes1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['webhook_attempts', 'webhook_events']) {
      const index = `idx_${table}_created`;
      await queryRunner.query(`DROP INDEX "${index}"`);
      await queryRunner.query(
        `CREATE INDEX "${index}" ON "${table}" USING brin ("created_at") WITH (autosummarize = on)`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['webhook_attempts', 'webhook_events']) {
      const index = `idx_${table}_created`;
      await queryRunner.query(`DROP INDEX "${index}"`);
      await queryRunner.query(`CREATE INDEX "${index}" ON "${table}" ("created_at")`);
    }
  }
}
