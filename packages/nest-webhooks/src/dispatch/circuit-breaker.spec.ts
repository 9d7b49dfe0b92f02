import { CircuitBreakers, isEndpointFailure } from './circuit-breaker';

describe('CircuitBreakers', () => {
  let now = 0;
  const clock = () => now;
  const options = { failureThreshold: 3, cooldownMs: 1000, maxCooldownMs: 3000 };

  beforeEach(() => {
    now = 1_000_000;
  });

  function tripped(breakers: CircuitBreakers, key = 'sub'): void {
    for (let i = 0; i < options.failureThreshold; i++) breakers.record(key, true);
  }

  it('stays closed below the threshold, and a success resets the count', () => {
    const breakers = new CircuitBreakers(options, clock);
    expect(breakers.record('sub', true)).toBeNull();
    expect(breakers.record('sub', true)).toBeNull();
    expect(breakers.record('sub', false)).toBeNull();
    expect(breakers.record('sub', true)).toBeNull();
    expect(breakers.record('sub', true)).toBeNull();
    expect(breakers.allowance('sub')).toBe(Infinity);
    expect(breakers.paused()).toEqual([]);
  });

  it('opens after the threshold of failures in a row: nothing goes out until the pause ends', () => {
    const breakers = new CircuitBreakers(options, clock);
    breakers.record('sub', true);
    breakers.record('sub', true);
    expect(breakers.record('sub', true)).toBe('opened');
    expect(breakers.allowance('sub')).toBe(0);
    expect(breakers.paused()).toEqual(['sub']);
    expect(breakers.pausedUntil('sub')).toBe(now + 1000);
    now += 999;
    expect(breakers.allowance('sub')).toBe(0);
  });

  it('lets exactly one probe through once the pause is over; its success closes the circuit', () => {
    const breakers = new CircuitBreakers(options, clock);
    tripped(breakers);
    now += 1000;
    expect(breakers.paused()).toEqual([]);
    expect(breakers.allowance('sub')).toBe(1);
    expect(breakers.allowance('sub')).toBe(1);
    expect(breakers.record('sub', false)).toBe('closed');
    expect(breakers.allowance('sub')).toBe(Infinity);
  });

  it('pauses again for twice as long when the probe fails, up to the longest pause', () => {
    const breakers = new CircuitBreakers(options, clock);
    tripped(breakers);
    const pauses: number[] = [];
    for (let i = 0; i < 4; i++) {
      now = breakers.pausedUntil('sub')!;
      expect(breakers.allowance('sub')).toBe(1);
      expect(breakers.record('sub', true)).toBe('reopened');
      pauses.push(breakers.pausedUntil('sub')! - now);
    }
    expect(pauses).toEqual([2000, 3000, 3000, 3000]);
  });

  it('ignores late failures of requests that were in flight when it opened', () => {
    const breakers = new CircuitBreakers(options, clock);
    tripped(breakers);
    const until = breakers.pausedUntil('sub');
    expect(breakers.record('sub', true)).toBeNull();
    expect(breakers.pausedUntil('sub')).toBe(until);
  });

  it('keeps endpoints apart, and forgets one on request', () => {
    const breakers = new CircuitBreakers(options, clock);
    tripped(breakers, 'a');
    expect(breakers.allowance('b')).toBe(Infinity);
    breakers.forget('a');
    expect(breakers.allowance('a')).toBe(Infinity);
  });

  it('does nothing with a threshold of 0', () => {
    const breakers = new CircuitBreakers({ ...options, failureThreshold: 0 }, clock);
    for (let i = 0; i < 20; i++) expect(breakers.record('sub', true)).toBeNull();
    expect(breakers.allowance('sub')).toBe(Infinity);
    expect(breakers.enabled).toBe(false);
  });
});

describe('isEndpointFailure', () => {
  it.each([
    [null, true],
    [500, true],
    [503, true],
    [429, true],
    [408, true],
    [400, false],
    [404, false],
    [410, false],
    [301, false],
    [200, false],
  ])('status %p: %p', (status, failure) => {
    expect(isEndpointFailure(status)).toBe(failure);
  });
});

describe('CircuitBreakers while probing', () => {
  it('ignores failures of requests started before the pause ended: only the probe decides', () => {
    let now = 0;
    const breakers = new CircuitBreakers(
      { failureThreshold: 1, cooldownMs: 1000, maxCooldownMs: 8000 },
      () => now,
    );
    expect(breakers.record('sub', true, 0)).toBe('opened');
    now = 1000;
    expect(breakers.state('sub')).toEqual({ allowance: 1, pausedUntil: null });
    // A request from before the pause (started at 500) times out now: no effect.
    now = 1200;
    expect(breakers.record('sub', true, 500)).toBeNull();
    expect(breakers.allowance('sub')).toBe(1);
    // The probe (started at 1100) fails: paused again, twice as long.
    expect(breakers.record('sub', true, 1100)).toBe('reopened');
    expect(breakers.state('sub')).toEqual({ allowance: 0, pausedUntil: 3200 });
  });
});
