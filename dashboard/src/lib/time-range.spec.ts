import { filterPage, fromLocalInput, presetRange, rangeProblem, toLocalInput } from './time-range';

const at = (iso: string) => ({ createdAt: iso });

describe('the attempts time filter', () => {
  const now = new Date('2026-12-02T12:00:00Z');

  it('turns presets into a start before now', () => {
    expect(presetRange('1h', now)).toEqual({ from: new Date('2026-12-02T11:00:00Z'), to: null });
    expect(presetRange('7d', now).from).toEqual(new Date('2026-11-25T12:00:00Z'));
    expect(presetRange('any', now)).toEqual({ from: null, to: null });
  });

  it('cuts a newest-first page to the range, and says when older pages cannot match', () => {
    const page = [
      at('2026-12-02T11:50:00Z'),
      at('2026-12-02T11:20:00Z'),
      at('2026-12-02T10:40:00Z'),
    ];
    const range = { from: new Date('2026-12-02T11:00:00Z'), to: new Date('2026-12-02T11:30:00Z') };
    expect(filterPage(page, range)).toEqual({ shown: [page[1]], olderMayMatch: false });
    expect(filterPage(page.slice(0, 2), range)).toEqual({ shown: [page[1]], olderMayMatch: true });
    expect(filterPage(page, { from: null, to: null })).toEqual({
      shown: page,
      olderMayMatch: true,
    });
    expect(filterPage([], range)).toEqual({ shown: [], olderMayMatch: true });
  });

  it('includes both ends', () => {
    const page = [at('2026-12-02T11:30:00Z'), at('2026-12-02T11:00:00Z')];
    const range = { from: new Date('2026-12-02T11:00:00Z'), to: new Date('2026-12-02T11:30:00Z') };
    expect(filterPage(page, range).shown).toHaveLength(2);
  });

  it('reads datetime-local values, and writes them back in local time', () => {
    const date = fromLocalInput('2026-12-02T09:30');
    expect(date).not.toBeNull();
    expect(toLocalInput(date!)).toBe('2026-12-02T09:30');
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('yesterday')).toBeNull();
    expect(fromLocalInput('2026-13-45T99:99')).toBeNull();
  });

  it('refuses a range that ends before it starts, in words', () => {
    expect(
      rangeProblem({
        from: new Date('2026-12-02T12:00:00Z'),
        to: new Date('2026-12-02T11:00:00Z'),
      }),
    ).toBe('The start of the time range is after its end.');
    expect(rangeProblem({ from: null, to: now })).toBeNull();
  });
});
