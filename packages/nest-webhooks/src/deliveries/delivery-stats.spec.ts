import { WebhooksError } from '../webhooks.errors';
import { minuteBuckets, windowStart } from './delivery-stats';

const NOW = new Date('2026-12-02T10:30:42.123Z');
const minute = (iso: string) => Math.floor(Date.parse(iso) / 60_000);

describe('windowStart', () => {
  it.each([
    [undefined, '2026-12-02T09:30:00.000Z'],
    ['2026-12-02T10:00:00Z', '2026-12-02T10:00:00.000Z'],
    ['2026-12-02T10:29:59.999Z', '2026-12-02T10:29:00.000Z'],
    ['2026-12-02T12:15:30+02:00', '2026-12-02T10:15:00.000Z'],
    ['2026-12-01T10:30:42.123Z', '2026-12-01T10:30:00.000Z'],
    ['2026-12-02T10:30:42.123Z', '2026-12-02T10:30:00.000Z'],
  ])('since %j starts the window at %s', (since, expected) => {
    expect(windowStart(since, NOW).toISOString()).toBe(expected);
  });

  it.each([
    ['2026-12-01T10:30:42.122Z', 'at most 24 hours ago'],
    ['2026-11-01T00:00:00Z', 'at most 24 hours ago'],
    ['2026-12-02T10:30:42.124Z', 'not be in the future'],
    ['yesterday', 'ISO-8601'],
  ])('refuses since %j: %s', (since, message) => {
    const error = (() => {
      try {
        windowStart(since, NOW);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(WebhooksError);
    expect(error).toMatchObject({ code: 'INVALID_FIELD', field: 'since' });
    expect((error as Error).message).toContain(message);
  });
});

describe('minuteBuckets', () => {
  const since = new Date('2026-12-02T10:27:00Z');

  it('gives one bucket a minute from since to now, zeros included, oldest first', () => {
    const buckets = minuteBuckets(since, NOW, [
      { minute: minute('2026-12-02T10:28:00Z'), succeeded: 3, failed: 1, retrying: 2 },
      { minute: minute('2026-12-02T10:30:00Z'), succeeded: 1, failed: 0, retrying: 0 },
    ]);
    expect(buckets).toEqual([
      { at: new Date('2026-12-02T10:27:00Z'), succeeded: 0, failed: 0, retrying: 0 },
      { at: new Date('2026-12-02T10:28:00Z'), succeeded: 3, failed: 1, retrying: 2 },
      { at: new Date('2026-12-02T10:29:00Z'), succeeded: 0, failed: 0, retrying: 0 },
      { at: new Date('2026-12-02T10:30:00Z'), succeeded: 1, failed: 0, retrying: 0 },
    ]);
  });

  it('gives 61 buckets for the default hour, and one when since is this minute', () => {
    expect(minuteBuckets(windowStart(undefined, NOW), NOW, [])).toHaveLength(61);
    expect(minuteBuckets(windowStart(NOW.toISOString(), NOW), NOW, [])).toEqual([
      { at: new Date('2026-12-02T10:30:00Z'), succeeded: 0, failed: 0, retrying: 0 },
    ]);
    expect(minuteBuckets(windowStart('2026-12-01T10:31:00Z', NOW), NOW, [])).toHaveLength(1440);
  });
});
