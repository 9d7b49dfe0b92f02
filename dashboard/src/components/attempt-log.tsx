import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatDateTime, formatDuration } from '../lib/format';
import { currentCursor, FIRST_PAGE, nextPage, pageLoaded, previousPage } from '../lib/paging';
import { routeHref } from '../lib/route';
import {
  filterPage,
  fromLocalInput,
  presetRange,
  RANGE_PRESETS,
  type RangePresetId,
  rangeProblem,
  type TimeRange,
} from '../lib/time-range';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { ErrorNote, Loading, Pager, StatusBadge } from './ui';

interface Filters {
  status: string;
  eventType: string;
  preset: RangePresetId | 'custom';
  from: string;
  to: string;
}

const NO_FILTER: Filters = { status: '', eventType: '', preset: 'any', from: '', to: '' };

function rangeOf(filters: Filters, now: Date): TimeRange {
  if (filters.preset !== 'custom') return presetRange(filters.preset, now);
  return { from: fromLocalInput(filters.from), to: fromLocalInput(filters.to) };
}

/** A subscription's attempts, newest first, filtered by status, event type and time, paged. */
export function AttemptLog({
  subscriptionId,
  eventTypes,
}: {
  subscriptionId: string;
  eventTypes: string[];
}) {
  const { api } = useSession();
  const [filters, setFilters] = useState<Filters>(NO_FILTER);
  const [pages, setPages] = useState(FIRST_PAGE);
  const [loadedAt, setLoadedAt] = useState(() => new Date());
  const cursor = currentCursor(pages);
  const page = useLoad(
    () =>
      api.logs(subscriptionId, { cursor, status: filters.status, eventType: filters.eventType }),
    [subscriptionId, cursor, filters.status, filters.eventType],
  );
  useEffect(() => {
    if (page.data) setPages((p) => pageLoaded(p, page.data!.nextCursor));
  }, [page.data]);
  const range = useMemo(() => rangeOf(filters, loadedAt), [filters, loadedAt]);
  const problem = rangeProblem(range);
  const filtered = page.data ? filterPage(page.data.items, range) : null;
  const change = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPages(FIRST_PAGE);
    setLoadedAt(new Date());
  };
  const shownPages = filtered && !filtered.olderMayMatch ? { ...pages, next: null } : pages;
  return (
    <div>
      <form class="filters" aria-label="Filter attempts" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select
            aria-label="Status"
            value={filters.status}
            onChange={(e) => change({ status: e.currentTarget.value })}
          >
            <option value="">Any status</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <label>
          Event type
          <select
            aria-label="Event type"
            value={filters.eventType}
            onChange={(e) => change({ eventType: e.currentTarget.value })}
          >
            <option value="">Any event type</option>
            {eventTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time
          <select
            aria-label="Time"
            value={filters.preset}
            onChange={(e) => change({ preset: e.currentTarget.value as Filters['preset'] })}
          >
            {RANGE_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="custom">Custom range</option>
          </select>
        </label>
        {filters.preset === 'custom' ? (
          <>
            <label>
              From
              <input
                type="datetime-local"
                value={filters.from}
                onChange={(e) => change({ from: e.currentTarget.value })}
              />
            </label>
            <label>
              To
              <input
                type="datetime-local"
                value={filters.to}
                onChange={(e) => change({ to: e.currentTarget.value })}
              />
            </label>
          </>
        ) : null}
        <button
          type="button"
          onClick={() => {
            setPages(FIRST_PAGE);
            setLoadedAt(new Date());
            page.reload();
          }}
        >
          Refresh
        </button>
      </form>
      <ErrorNote error={problem ?? page.error} />
      {page.loading && !page.data ? <Loading what="attempts" /> : null}
      {filtered && filtered.shown.length === 0 ? (
        <p class="muted">No attempt matches on this page.</p>
      ) : null}
      {filtered && filtered.shown.length ? (
        <div class="table-wrap">
          <table class="attempts">
            <caption class="sr-only">Delivery attempts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Status</th>
                <th scope="col">Answer</th>
                <th scope="col">Duration</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {filtered.shown.map((a) => (
                <tr key={a.id} data-attempt-id={a.id}>
                  <td>{formatDateTime(a.createdAt)}</td>
                  <td>
                    <code>{a.eventType}</code>
                  </td>
                  <td>#{a.attemptNumber}</td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td>
                    {a.statusCode === null
                      ? (a.error ?? 'no answer')
                      : `HTTP ${a.statusCode}${a.error ? ` (${a.error})` : ''}`}
                  </td>
                  <td>{formatDuration(a.durationMs)}</td>
                  <td>
                    <a
                      href={routeHref({ screen: 'delivery', id: a.deliveryId })}
                      aria-label={`Delivery of attempt ${a.attemptNumber} of ${a.eventType} at ${formatDateTime(a.createdAt)}`}
                    >
                      Details
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager
        pages={shownPages}
        label="Attempt pages"
        onNext={() => setPages(nextPage)}
        onPrevious={() => setPages(previousPage)}
      />
    </div>
  );
}
