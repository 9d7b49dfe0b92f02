import type { QueryRunner } from 'typeorm';
import { WEBHOOKS_MIGRATIONS, webhooksMigrations } from './index';

/** A query runner that records statements (the real runs are in test/fixtures/host-app). */
function recordingRunner(): { runner: QueryRunner; statements: string[] } {
  const statements: string[] = [];
  const runner = {
    query: async (sql: string, params?: unknown[]) => {
      statements.push(params ? `${sql} ${JSON.stringify(params)}` : sql);
      return sql.includes('current_setting') ? [{ path: '"$user", public' }] : [];
    },
  } as unknown as QueryRunner;
  return { runner, statements };
}

describe('webhooksMigrations', () => {
  it('without a schema, is the module migrations as they are', () => {
    expect(webhooksMigrations()).toEqual(WEBHOOKS_MIGRATIONS);
  });

  it('with a schema, keeps each migration name (so TypeORM records the same history)', () => {
    const inSchema = webhooksMigrations({ schema: 'webhooks' });
    expect(inSchema.map((m) => new m().name)).toEqual(WEBHOOKS_MIGRATIONS.map((m) => new m().name));
    expect(inSchema.map((m) => m.name)).toEqual(WEBHOOKS_MIGRATIONS.map((m) => m.name));
  });

  it('runs each migration with the schema as search path, then puts the previous one back', async () => {
    const [First] = webhooksMigrations({ schema: 'hooks' });
    const { runner, statements } = recordingRunner();
    await new First().up(runner);
    expect(statements[0]).toBe('CREATE SCHEMA IF NOT EXISTS hooks');
    expect(statements[2]).toContain('["hooks"]');
    expect(statements.some((s) => /CREATE TABLE/i.test(s))).toBe(true);
    expect(statements.at(-1)).toContain(JSON.stringify(['"$user", public']));
  });

  it('puts the search path back when a migration fails', async () => {
    const [First] = webhooksMigrations({ schema: 'hooks' });
    const { runner, statements } = recordingRunner();
    const failing = {
      query: async (sql: string, params?: unknown[]) => {
        if (/CREATE TABLE/i.test(sql)) throw new Error('disk full');
        return (await runner.query(sql, params)) as unknown;
      },
    } as unknown as QueryRunner;
    await expect(new First().up(failing)).rejects.toThrow('disk full');
    expect(statements.at(-1)).toContain(JSON.stringify(['"$user", public']));
  });

  it.each(['Webhooks', '1hooks', 'hooks; DROP TABLE x', '', 'a'.repeat(64), 'web-hooks'])(
    'refuses the schema name %j, naming the rule',
    (schema) => {
      expect(() => webhooksMigrations({ schema })).toThrow(
        /schema must be 1 to 63 lower-case letters, digits or underscores/,
      );
    },
  );
});
