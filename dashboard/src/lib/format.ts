/** How the console writes times, durations, rates and counts. Pure: the clock is passed in. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `2026-12-02 15:40:12` in the given time zone (the browser's by default). */
export function formatDateTime(value: string | Date, timeZone?: string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return 'invalid date';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** `HH:MM` of a chart bucket, in the given time zone. */
export function formatClock(value: string | Date, timeZone?: string): string {
  return formatDateTime(value, timeZone).slice(11, 16);
}

/** `just now`, `42 s ago`, `3 min ago`, `5 h ago`, `2 d ago`; `in 30 s` for a future time. */
export function formatRelative(value: string | Date, now: Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  const delta = now.getTime() - date.getTime();
  const size = Math.abs(delta);
  let text: string;
  if (size < 5 * SECOND) return 'just now';
  if (size < MINUTE) text = `${Math.floor(size / SECOND)} s`;
  else if (size < HOUR) text = `${Math.floor(size / MINUTE)} min`;
  else if (size < DAY) text = `${Math.floor(size / HOUR)} h`;
  else text = `${Math.floor(size / DAY)} d`;
  return delta >= 0 ? `${text} ago` : `in ${text}`;
}

/** `25 ms`, `1.2 s`, `2 min 5 s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / SECOND).toFixed(ms < 10 * SECOND ? 1 : 0)} s`;
  const minutes = Math.floor(ms / MINUTE);
  const seconds = Math.round((ms % MINUTE) / SECOND);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** A success rate in [0, 1] as `98.5 %` (`100 %` and `0 %` exact); `—` when nothing finished. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  const percent = rate * 100;
  if (percent === 100 || percent === 0) return `${percent} %`;
  return `${Math.min(99.9, Math.max(0.1, Math.round(percent * 10) / 10))} %`;
}

/** `1 delivery`, `3 deliveries`: a count with its noun. */
export function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** A JSON value pretty-printed for a <pre>; text that is not JSON is shown as it is. */
export function prettyBody(body: string | null | undefined): string {
  if (body === null || body === undefined || body === '') return '(empty)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** Headers sorted by name, for a definition list; null (no answer) gives none. */
export function headerRows(headers: Record<string, string> | null | undefined): [string, string][] {
  if (!headers) return [];
  return Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
}
