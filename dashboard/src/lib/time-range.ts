/**
 * The time filter of a subscription's attempts. The logs route filters by status and event type;
 * time is filtered here, on each page (newest first): a page whose oldest attempt is before the
 * range's start ends the paging, since every later page is older still.
 */
export interface TimeRange {
  /** Inclusive start, or null for no lower bound. */
  from: Date | null;
  /** Inclusive end, or null for "until now". */
  to: Date | null;
}

export const ANY_TIME: TimeRange = { from: null, to: null };

/** The presets offered beside the custom range, with their length in minutes. */
export const RANGE_PRESETS = [
  { id: 'any', label: 'Any time', minutes: null },
  { id: '15m', label: 'Last 15 minutes', minutes: 15 },
  { id: '1h', label: 'Last hour', minutes: 60 },
  { id: '24h', label: 'Last 24 hours', minutes: 24 * 60 },
  { id: '7d', label: 'Last 7 days', minutes: 7 * 24 * 60 },
] as const;

export type RangePresetId = (typeof RANGE_PRESETS)[number]['id'];

export function presetRange(id: RangePresetId, now: Date): TimeRange {
  const preset = RANGE_PRESETS.find((p) => p.id === id);
  if (!preset || preset.minutes === null) return ANY_TIME;
  return { from: new Date(now.getTime() - preset.minutes * 60_000), to: null };
}

/**
 * A `<input type="datetime-local">` value (`2026-12-02T15:40`, local time) as a Date; null when
 * empty or malformed.
 */
export function fromLocalInput(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A Date as an `<input type="datetime-local">` value, in local time, to the minute. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Why a range is unusable, in words; null when it is fine. */
export function rangeProblem(range: TimeRange): string | null {
  if (range.from && range.to && range.from.getTime() > range.to.getTime()) {
    return 'The start of the time range is after its end.';
  }
  return null;
}

export interface FilteredPage<T> {
  /** The page's items within the range. */
  shown: T[];
  /** Whether older pages may still hold items within the range. */
  olderMayMatch: boolean;
}

/** One page (newest first) cut to the range. */
export function filterPage<T extends { createdAt: string }>(
  items: readonly T[],
  range: TimeRange,
): FilteredPage<T> {
  const from = range.from?.getTime() ?? -Infinity;
  const to = range.to?.getTime() ?? Infinity;
  const shown = items.filter((item) => {
    const at = new Date(item.createdAt).getTime();
    return at >= from && at <= to;
  });
  const oldest = items.length ? new Date(items[items.length - 1].createdAt).getTime() : Infinity;
  return { shown, olderMayMatch: oldest >= from };
}
