import {
  formatClock,
  formatDateTime,
  formatDuration,
  formatRate,
  formatRelative,
  headerRows,
  plural,
  prettyBody,
} from './format';

describe('console formatting', () => {
  it('writes date-times to the second, in the asked time zone', () => {
    expect(formatDateTime('2026-12-02T15:04:05.678Z', 'UTC')).toBe('2026-12-02 15:04:05');
    expect(formatDateTime('2026-12-02T23:30:00Z', 'Europe/Paris')).toBe('2026-12-03 00:30:00');
    expect(formatDateTime('garbage', 'UTC')).toBe('invalid date');
    expect(formatClock('2026-12-02T09:07:00Z', 'UTC')).toBe('09:07');
  });

  const now = new Date('2026-12-02T12:00:00Z');
  it.each([
    ['2026-12-02T11:59:58Z', 'just now'],
    ['2026-12-02T11:59:18Z', '42 s ago'],
    ['2026-12-02T11:57:00Z', '3 min ago'],
    ['2026-12-02T07:00:00Z', '5 h ago'],
    ['2026-11-30T11:00:00Z', '2 d ago'],
    ['2026-12-02T12:00:30Z', 'in 30 s'],
  ])('writes %s as %p relative to noon', (at, text) => {
    expect(formatRelative(at, now)).toBe(text);
  });

  it.each([
    [0, '0 ms'],
    [25.4, '25 ms'],
    [999, '999 ms'],
    [1200, '1.2 s'],
    [12_400, '12 s'],
    [125_000, '2 min 5 s'],
    [120_000, '2 min'],
    [null, '—'],
    [Number.NaN, '—'],
  ])('writes a duration of %p ms as %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [1, '100 %'],
    [0, '0 %'],
    [0.985, '98.5 %'],
    // Never rounded to a whole success or failure that did not happen.
    [0.99999, '99.9 %'],
    [0.00001, '0.1 %'],
    [null, '—'],
  ])('writes a success rate of %p as %p', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });

  it('counts with the right noun', () => {
    expect(plural(1, 'delivery', 'deliveries')).toBe('1 delivery');
    expect(plural(0, 'delivery', 'deliveries')).toBe('0 deliveries');
    expect(plural(12345, 'delivery', 'deliveries')).toBe('12,345 deliveries');
  });

  it('pretty-prints JSON bodies and leaves other text as it is', () => {
    expect(prettyBody('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyBody('<ok/>')).toBe('<ok/>');
    expect(prettyBody('')).toBe('(empty)');
    expect(prettyBody(null)).toBe('(empty)');
  });

  it('sorts headers by name; no answer gives none', () => {
    expect(headerRows({ 'x-b': '2', 'content-type': 'text/plain', 'X-A': '1' })).toEqual([
      ['content-type', 'text/plain'],
      ['X-A', '1'],
      ['x-b', '2'],
    ]);
    expect(headerRows(null)).toEqual([]);
  });
});
