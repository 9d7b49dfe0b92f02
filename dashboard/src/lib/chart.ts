/** Geometry of the deliveries-a-minute chart: stacked bars by outcome. Pure. */
export const OUTCOMES = ['succeeded', 'retrying', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Bucket {
  at: string;
  succeeded: number;
  failed: number;
  retrying: number;
}

export interface BarSegment {
  outcome: Outcome;
  x: number;
  y: number;
  width: number;
  height: number;
  count: number;
}

export interface ChartLayout {
  /** The tallest bar's total, rounded up to a tick: the top of the scale. */
  max: number;
  /** Values marked on the scale, 0 first. */
  ticks: number[];
  bars: { at: string; total: number; x: number; segments: BarSegment[] }[];
  total: Record<Outcome, number>;
}

/** A scale top at or above `value`: 1, 2 or 5 times a power of ten (at least 1). */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** Bars for the buckets across `width`, scaled into `height` (y grows downwards, as in SVG). */
export function layoutChart(
  buckets: readonly Bucket[],
  width: number,
  height: number,
): ChartLayout {
  const total: Record<Outcome, number> = { succeeded: 0, retrying: 0, failed: 0 };
  const sums = buckets.map((b) => b.succeeded + b.failed + b.retrying);
  const max = niceMax(Math.max(0, ...sums));
  const slot = buckets.length ? width / buckets.length : width;
  const barWidth = Math.max(1, slot * 0.8);
  const bars = buckets.map((bucket, i) => {
    const x = i * slot + (slot - barWidth) / 2;
    let top = height;
    const segments: BarSegment[] = [];
    for (const outcome of OUTCOMES) {
      const count = bucket[outcome];
      total[outcome] += count;
      if (count <= 0) continue;
      const segmentHeight = (count / max) * height;
      top -= segmentHeight;
      segments.push({ outcome, x, y: top, width: barWidth, height: segmentHeight, count });
    }
    return { at: bucket.at, total: sums[i], x, segments };
  });
  const ticks = [0, max / 2, max].filter(
    (t, i, all) => Number.isInteger(t) && all.indexOf(t) === i,
  );
  return { max, ticks, bars, total };
}
