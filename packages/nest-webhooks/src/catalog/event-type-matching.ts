/** An event type name: lower-case dotted segments, e.g. `candidate.status_changed`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
/** What a subscription may name: an event type, a trailing wildcard `candidate.*`, or `*`. */
export const EVENT_FILTER_PATTERN =
  /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;

/** Operational events (the webhook system's own): `*` alone does not match them. */
const OPERATIONAL_PREFIX = 'webhook.';

/** Whether a subscription filter (`*`, `candidate.*`, `candidate.created`) matches an event type. */
export function matchesEventFilter(filter: string, type: string): boolean {
  if (filter === '*') return !type.startsWith(OPERATIONAL_PREFIX);
  if (filter.endsWith('.*')) return type.startsWith(filter.slice(0, -1));
  return filter === type;
}

/**
 * The filters a stored subscription row can be matched with in SQL: the type itself, `*` (but for
 * operational events), and
 * every wildcard prefix (`a.b.c` -> `a.*`, `a.b.*`). A subscription matches when its `events`
 * array overlaps this list.
 */
export function filtersMatching(type: string): string[] {
  const parts = type.split('.');
  // Operational events (`webhook.*`, see builtin-event-types) go only to who names them.
  const filters = type.startsWith(OPERATIONAL_PREFIX) ? [type] : ['*', type];
  for (let i = 1; i < parts.length; i++) filters.push(`${parts.slice(0, i).join('.')}.*`);
  return filters;
}
