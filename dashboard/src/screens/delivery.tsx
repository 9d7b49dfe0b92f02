import { useEffect, useState } from 'preact/hooks';
import type { Attempt } from '../api';
import { ErrorNote, HeaderList, Loading, Section, StatusBadge } from '../components/ui';
import { formatDateTime, formatDuration, headerRows, prettyBody } from '../lib/format';
import { routeHref } from '../lib/route';
import { useCanManage, useSession } from '../session';
import { later, markFirstScreen, useAction, useLoad } from '../use-load';

/** One delivery and each of its attempts: what was sent, what came back; retry it. */
export function DeliveryScreen({ id }: { id: string }) {
  const { api } = useSession();
  const canManage = useCanManage();
  const delivery = useLoad(() => api.delivery(id), [id]);
  const retry = useAction(() => api.retryDelivery(id));
  const [retriedAt, setRetriedAt] = useState<Date | null>(null);
  const [queued, setQueued] = useState(false);
  useEffect(() => {
    if (delivery.data || delivery.error) markFirstScreen();
  }, [delivery.data, delivery.error]);
  // While it is on its way (queued again, pending, sending), look again every second.
  const inFlight = delivery.data && ['pending', 'sending'].includes(delivery.data.status);
  useEffect(() => {
    if (!inFlight && !queued) return;
    const timer = window.setTimeout(() => {
      setQueued(false);
      delivery.reload();
    }, 1000);
    return () => window.clearTimeout(timer);
  }, [inFlight, queued, delivery.data]);
  if (delivery.error && !delivery.data) return <ErrorNote error={delivery.error} />;
  const d = delivery.data;
  if (!d) return <Loading what="the delivery" />;
  return (
    <>
      <Section
        title="Delivery"
        id="delivery-heading"
        actions={
          canManage ? (
            <button
              type="button"
              class="primary"
              disabled={retry.busy || d.status === 'sending'}
              onClick={later(async () => {
                if (await retry.run()) {
                  setRetriedAt(new Date());
                  setQueued(true);
                }
              })}
            >
              Retry delivery
            </button>
          ) : null
        }
      >
        <p class="url-line">
          <code>{d.eventType}</code> <StatusBadge status={d.status} />
        </p>
        <dl class="facts">
          <div>
            <dt>Delivery</dt>
            <dd>
              <code>{d.id}</code>
            </dd>
          </div>
          <div>
            <dt>Event (webhook-id)</dt>
            <dd>
              <code>{d.eventId}</code>
            </dd>
          </div>
          <div>
            <dt>Attempts</dt>
            <dd>{d.attemptCount}</dd>
          </div>
          <div>
            <dt>Last answer</dt>
            <dd>{d.lastStatusCode === null ? (d.lastError ?? '—') : `HTTP ${d.lastStatusCode}`}</dd>
          </div>
          <div>
            <dt>Next attempt</dt>
            <dd>{d.nextAttemptAt ? formatDateTime(d.nextAttemptAt) : '—'}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>{formatDateTime(d.createdAt)}</dd>
          </div>
        </dl>
        {retriedAt ? (
          <p class="ok" role="status">
            Queued again at {formatDateTime(retriedAt)}: sent now, shown here as it goes.
          </p>
        ) : null}
        <ErrorNote error={retry.error ?? delivery.error} />
        {d.subscriptionId ? (
          <p>
            <a href={routeHref({ screen: 'subscription', id: d.subscriptionId })}>
              Back to its subscription
            </a>
          </p>
        ) : null}
      </Section>
      <Section title="Attempts (oldest first)" id="delivery-attempts-heading">
        {d.attempts.length === 0 ? <p class="muted">No attempt yet.</p> : null}
        <ol class="attempt-list">
          {d.attempts.map((a, i) => (
            <AttemptDetail key={a.id} attempt={a} open={i === d.attempts.length - 1} />
          ))}
        </ol>
      </Section>
    </>
  );
}

function AttemptDetail({ attempt, open }: { attempt: Attempt; open: boolean }) {
  const answer = attempt.statusCode === null ? 'no answer' : `HTTP ${attempt.statusCode}`;
  return (
    <li class="card" data-attempt-id={attempt.id}>
      <details open={open}>
        <summary>
          Attempt #{attempt.attemptNumber} <StatusBadge status={attempt.status} /> {answer} in{' '}
          {formatDuration(attempt.durationMs)} · {formatDateTime(attempt.createdAt)}
        </summary>
        {attempt.error ? <p class="error-text">Error: {attempt.error}</p> : null}
        <div class="exchange">
          <div>
            <h3>Request headers</h3>
            <HeaderList headers={headerRows(attempt.requestHeaders)} empty="Not recorded." />
            {attempt.requestBody !== undefined ? (
              <>
                <h3>Request body</h3>
                <pre>{prettyBody(attempt.requestBody)}</pre>
              </>
            ) : null}
          </div>
          <div>
            <h3>Response: {answer}</h3>
            <h3>Response headers</h3>
            <HeaderList
              headers={headerRows(attempt.responseHeaders)}
              empty={attempt.statusCode === null ? 'No answer.' : 'Not recorded.'}
            />
            <h3>Response body</h3>
            <pre>{prettyBody(attempt.responseBody)}</pre>
          </div>
        </div>
      </details>
    </li>
  );
}
