import type { ComponentChildren } from 'preact';
import { hasNext, hasPrevious, pageLabel, type Pages } from '../lib/paging';
import { type StateView } from '../lib/subscription-state';

/** An error in words, announced to screen readers. */
export function ErrorNote({ error }: { error: Error | string | null | undefined }) {
  if (!error) return null;
  const text = typeof error === 'string' ? error : error.message;
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function StateBadge({ view }: { view: StateView }) {
  return (
    <span class={`badge badge-${view.state}`} title={view.reason}>
      {view.state}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

/** Previous/next over the API's cursors. */
export function Pager({
  pages,
  onPrevious,
  onNext,
  label,
}: {
  pages: Pages;
  onPrevious(): void;
  onNext(): void;
  label: string;
}) {
  if (!hasPrevious(pages) && !hasNext(pages)) return null;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" onClick={onPrevious} disabled={!hasPrevious(pages)}>
        ← Newer
      </button>
      <span aria-live="polite">{pageLabel(pages)}</span>
      <button type="button" onClick={onNext} disabled={!hasNext(pages)}>
        Older →
      </button>
    </nav>
  );
}

export function Section({
  title,
  children,
  actions,
  id,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
  id?: string;
}) {
  return (
    <section class="panel" aria-labelledby={id}>
      <div class="panel-head">
        <h2 id={id}>{title}</h2>
        {actions ? <div class="actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

/** Name/value pairs (headers), or a note when there are none. */
export function HeaderList({ headers, empty }: { headers: [string, string][]; empty: string }) {
  if (!headers.length) return <p class="muted">{empty}</p>;
  return (
    <dl class="headers">
      {headers.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
