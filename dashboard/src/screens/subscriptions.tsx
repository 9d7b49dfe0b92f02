import { useEffect, useState } from 'preact/hooks';
import type { Subscription } from '../api';
import { DeliveriesChart } from '../components/deliveries-chart';
import { SubscriptionActions } from '../components/subscription-actions';
import { ErrorNote, Loading, Pager, Section, StateBadge } from '../components/ui';
import { formatRate, formatRelative, plural } from '../lib/format';
import { currentCursor, FIRST_PAGE, nextPage, pageLoaded, previousPage } from '../lib/paging';
import { routeHref } from '../lib/route';
import { subscriptionState } from '../lib/subscription-state';
import { useCanManage, useSession } from '../session';
import { markFirstScreen, useLoad } from '../use-load';

/** The company's subscriptions, newest first, a page at a time, with the company chart. */
export function SubscriptionsScreen() {
  const { api } = useSession();
  const canManage = useCanManage();
  const [pages, setPages] = useState(FIRST_PAGE);
  const cursor = currentCursor(pages);
  const page = useLoad(() => api.listSubscriptions(cursor), [cursor]);
  const [items, setItems] = useState<Subscription[]>([]);
  useEffect(() => {
    if (!page.data) return;
    setItems(page.data.items);
    setPages((p) => pageLoaded(p, page.data!.nextCursor));
    markFirstScreen();
  }, [page.data]);
  useEffect(() => {
    if (page.error) markFirstScreen();
  }, [page.error]);
  return (
    <>
      <Section
        title="Subscriptions"
        id="subscriptions-heading"
        actions={
          canManage ? (
            <a class="button primary" href={routeHref({ screen: 'new-subscription' })}>
              New subscription
            </a>
          ) : null
        }
      >
        <ErrorNote error={page.error} />
        {page.loading && !page.data ? <Loading what="subscriptions" /> : null}
        {page.data && items.length === 0 ? (
          <p class="muted">
            No subscriptions yet{canManage ? ': create one to receive events.' : '.'}
          </p>
        ) : null}
        <ul class="cards" aria-label="Subscriptions">
          {items.map((s) => (
            <SubscriptionCard
              key={s.id}
              subscription={s}
              onChanged={(next) => setItems((all) => all.map((x) => (x.id === next.id ? next : x)))}
              onDeleted={() => setItems((all) => all.filter((x) => x.id !== s.id))}
            />
          ))}
        </ul>
        <Pager
          pages={pages}
          label="Subscription pages"
          onNext={() => setPages(nextPage)}
          onPrevious={() => setPages(previousPage)}
        />
      </Section>
      <Section title="Activity" id="activity-heading">
        <DeliveriesChart />
      </Section>
    </>
  );
}

function SubscriptionCard({
  subscription,
  onChanged,
  onDeleted,
}: {
  subscription: Subscription;
  onChanged(next: Subscription): void;
  onDeleted(): void;
}) {
  const state = subscriptionState(subscription);
  return (
    <li class="card" data-subscription-id={subscription.id}>
      <div class="card-head">
        <a class="url" href={routeHref({ screen: 'subscription', id: subscription.id })}>
          {subscription.url}
        </a>
        <StateBadge view={state} />
      </div>
      {subscription.description ? <p class="muted">{subscription.description}</p> : null}
      {state.state !== 'active' ? <p class="muted">{state.reason}</p> : null}
      <p class="events">
        {subscription.events.map((e) => (
          <code key={e}>{e}</code>
        ))}
      </p>
      <StatsLine id={subscription.id} />
      <SubscriptionActions
        subscription={subscription}
        onChanged={onChanged}
        onDeleted={onDeleted}
      />
    </li>
  );
}

/** Success rate, deliveries and last error over the last 24 h. */
export function StatsLine({ id }: { id: string }) {
  const { api } = useSession();
  const stats = useLoad(() => api.subscriptionStats(id), [id]);
  if (stats.error) return <ErrorNote error={`Stats unavailable: ${stats.error.message}`} />;
  if (!stats.data) return <p class="muted stats">Loading stats…</p>;
  const s = stats.data;
  const now = new Date();
  return (
    <p class="stats">
      {s.successRate === null ? (
        <span class="muted">No finished delivery</span>
      ) : (
        <span>
          <strong>{formatRate(s.successRate)}</strong> success
        </span>
      )}
      <span>{plural(s.deliveries, 'delivery', 'deliveries')} in 24 h</span>
      {s.failed ? <span>{s.failed} failed</span> : null}
      {s.pending ? <span>{s.pending} pending</span> : null}
      <span class={s.lastError ? 'error-text' : 'muted'}>
        {s.lastError
          ? `Last error ${formatRelative(s.lastError.at, now)}: ${[
              s.lastError.statusCode === null ? null : `HTTP ${s.lastError.statusCode}`,
              s.lastError.error,
            ]
              .filter(Boolean)
              .join(', ')}`
          : 'No error in 24 h'}
      </span>
    </p>
  );
}
