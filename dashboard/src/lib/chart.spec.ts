import { layoutChart, niceMax } from './chart';

describe('the deliveries-a-minute chart', () => {
  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [11, 20],
    [150, 200],
    [501, 1000],
  ])('tops a scale holding %p at %p', (value, top) => {
    expect(niceMax(value)).toBe(top);
  });

  it('stacks succeeded, retrying and failed from the bottom, scaled to the tallest bar', () => {
    const layout = layoutChart(
      [
        { at: '2026-12-02T11:00:00Z', succeeded: 6, retrying: 2, failed: 2 },
        { at: '2026-12-02T11:01:00Z', succeeded: 0, retrying: 0, failed: 0 },
      ],
      200,
      100,
    );
    expect(layout.max).toBe(10);
    expect(layout.ticks).toEqual([0, 5, 10]);
    expect(layout.total).toEqual({ succeeded: 6, retrying: 2, failed: 2 });
    const [first, second] = layout.bars;
    expect(first.total).toBe(10);
    expect(first.segments.map((s) => [s.outcome, s.y, s.height])).toEqual([
      ['succeeded', 40, 60],
      ['retrying', 20, 20],
      ['failed', 0, 20],
    ]);
    expect(first.x).toBe(10);
    expect(first.segments[0].width).toBe(80);
    expect(second.segments).toEqual([]);
  });

  it('draws an empty hour on a scale of 1', () => {
    const layout = layoutChart([], 600, 140);
    expect(layout.max).toBe(1);
    expect(layout.bars).toEqual([]);
    expect(layout.ticks).toEqual([0, 1]);
  });
});
