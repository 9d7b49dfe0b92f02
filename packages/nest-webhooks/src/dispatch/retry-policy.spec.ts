import {
  backoffDelay,
  decideAfterAttempt,
  isRetryable,
  MAX_DELAY_MS,
  parseRetryAfter,
  type RetrySettings,
} from './retry-policy';

const defaults: RetrySettings = {
  maxRetryCount: 10,
  retryDelayMs: 5000,
  retryBackoffMultiplier: 3,
};
const answer = (
  statusCode: number | null,
  headers: Record<string, string> = {},
  error: string | null = null,
) => ({
  statusCode,
  headers,
  error: statusCode === null ? (error ?? 'timeout') : error,
});
const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('retry policy', () => {
  it.each([
    [200, 'succeeded'],
    [201, 'succeeded'],
    [204, 'succeeded'],
    [299, 'succeeded'],
    [301, 'retry'],
    [302, 'retry'],
    [307, 'retry'],
    [400, 'failed'],
    [401, 'failed'],
    [403, 'failed'],
    [404, 'failed'],
    [408, 'retry'],
    [409, 'failed'],
    [410, 'gone'],
    [413, 'failed'],
    [422, 'failed'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [null, 'retry'],
  ])('answer %p after the first attempt -> %s', (code, outcome) => {
    expect(decideAfterAttempt(answer(code), 1, defaults, NOW, 0.5).outcome).toBe(outcome);
  });

  it('retries until maxRetryCount retries were made, then fails as exhausted', () => {
    const settings = { ...defaults, maxRetryCount: 2 };
    expect(decideAfterAttempt(answer(500), 1, settings, NOW).outcome).toBe('retry');
    expect(decideAfterAttempt(answer(500), 2, settings, NOW).outcome).toBe('retry');
    expect(decideAfterAttempt(answer(500), 3, settings, NOW)).toEqual({
      outcome: 'failed',
      exhausted: true,
    });
  });

  it('maxRetryCount 0 means a single attempt', () => {
    expect(decideAfterAttempt(answer(503), 1, { ...defaults, maxRetryCount: 0 }, NOW).outcome).toBe(
      'failed',
    );
  });

  it('grows the delay by the multiplier with ±20% jitter', () => {
    for (const [retry, base] of [
      [1, 5000],
      [2, 15000],
      [3, 45000],
      [5, 405000],
    ] as const) {
      expect(backoffDelay(defaults, retry, 0.5)).toBe(base);
      expect(backoffDelay(defaults, retry, 0)).toBe(Math.round(base * 0.8));
      expect(backoffDelay(defaults, retry, 0.999999)).toBeLessThanOrEqual(Math.round(base * 1.2));
      expect(backoffDelay(defaults, retry, 0.999999)).toBeGreaterThan(base * 1.19);
    }
  });

  it('with the contract defaults the ten retries span about 38 hours', () => {
    let total = 0;
    for (let retry = 1; retry <= 10; retry++) total += backoffDelay(defaults, retry, 0.5);
    expect(total / 3_600_000).toBeGreaterThan(30);
    expect(total / 3_600_000).toBeLessThan(46);
  });

  it('caps every delay at 24 h', () => {
    expect(backoffDelay({ ...defaults, retryBackoffMultiplier: 10 }, 20, 0.99)).toBe(MAX_DELAY_MS);
  });

  it.each([
    [429, { 'retry-after': '120' }, 120_000],
    [503, { 'retry-after': '120' }, 120_000],
    [429, { 'retry-after': new Date(NOW + 600_000).toUTCString() }, 600_000],
    [429, { 'retry-after': '999999999' }, MAX_DELAY_MS],
  ])('Retry-After on %p is a floor for the next delay', (code, headers, expected) => {
    const decision = decideAfterAttempt(answer(code, headers), 1, defaults, NOW, 0.5);
    expect(decision).toEqual({ outcome: 'retry', delayMs: expected });
  });

  it('a Retry-After shorter than the backoff does not shorten it', () => {
    const decision = decideAfterAttempt(answer(429, { 'retry-after': '1' }), 1, defaults, NOW, 0.5);
    expect(decision).toEqual({ outcome: 'retry', delayMs: 5000 });
  });

  it('ignores Retry-After on other codes and unreadable values', () => {
    expect(
      decideAfterAttempt(answer(500, { 'retry-after': '600' }), 1, defaults, NOW, 0.5),
    ).toEqual({
      outcome: 'retry',
      delayMs: 5000,
    });
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
    expect(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
  });

  it('no answer is retried; a 2xx whose body could not be read still succeeded', () => {
    expect(isRetryable({ statusCode: null })).toBe(true);
    expect(
      decideAfterAttempt(
        { statusCode: 200, headers: {}, error: 'connection reset' },
        1,
        defaults,
        NOW,
      ).outcome,
    ).toBe('succeeded');
  });
});
