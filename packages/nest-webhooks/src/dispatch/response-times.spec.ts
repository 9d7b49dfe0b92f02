import { MEASURED_SUBSCRIPTIONS, ResponseTimes } from './response-times';

describe('ResponseTimes', () => {
  it('knows nothing of a subscription not measured yet', () => {
    expect(new ResponseTimes().mean('sub')).toBeUndefined();
  });

  it.each<[number[], number]>([
    [[120], 120],
    [[100, 200], 110], // 100 * 0.9 + 200 * 0.1
    [[100, 200, 300], 129], // 110 * 0.9 + 300 * 0.1
    [[1000, 0, 0], 810],
    [[50, 50, 50, 50], 50],
  ])('durations %j: mean %d (the first as is, then 0.9 old + 0.1 new)', (durations, mean) => {
    const times = new ResponseTimes();
    for (const ms of durations) times.measure('sub', ms);
    expect(times.mean('sub')).toBeCloseTo(mean, 9);
  });

  it('keeps one mean per subscription', () => {
    const times = new ResponseTimes();
    times.measure('a', 100);
    times.measure('b', 1000);
    times.measure('a', 200);
    expect(times.mean('a')).toBeCloseTo(110, 9);
    expect(times.mean('b')).toBe(1000);
  });

  it(`remembers at most ${MEASURED_SUBSCRIPTIONS} subscriptions, the least recently measured forgotten first`, () => {
    const times = new ResponseTimes();
    for (let i = 0; i < MEASURED_SUBSCRIPTIONS; i++) times.measure(`s${i}`, i);
    expect(times.mean('s0')).toBe(0);
    times.measure('s0', 10); // s0 measured again: now the most recent; s1 is the least
    times.measure('new', 5);
    expect(times.mean('s1')).toBeUndefined();
    expect(times.mean('s0')).toBeCloseTo(1, 9);
    expect(times.mean('s2')).toBe(2);
    expect(times.mean('new')).toBe(5);
    times.measure('newer', 7);
    expect(times.mean('s2')).toBeUndefined();
    expect(times.mean('s3')).toBe(3);
    const remembered = Array.from({ length: MEASURED_SUBSCRIPTIONS }, (_, i) => `s${i}`)
      .concat('new', 'newer')
      .filter((id) => times.mean(id) !== undefined);
    expect(remembered).toHaveLength(MEASURED_SUBSCRIPTIONS);
  });
});
