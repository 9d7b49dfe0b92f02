import { useEffect, useState } from 'preact/hooks';
import type { Subscription } from '../api';
import { AttemptLog } from '../components/attempt-log';
import { DeliveriesChart } from '../components/deliveries-chart';
import { RecoverForm } from '../components/recover-form';
import { SecretPanel } from '../components/secret-panel';
import { SubscriptionActions } from '../components/subscription-actions';
import { ErrorNote, Loading, Section, StateBadge } from '../components/ui';
import { formatDateTime } from '../lib/format';
import { routeHref } from '../lib/route';
import { subscriptionState } from '../lib/subscription-state';
import { useCanManage, useSession } from '../session';
import { markFirstScreen, useLoad } from '../use-load';
import { StatsLine } from './subscriptions';

/** One subscription: its settings and state, 24-hour stats, chart, attempts, and its actions. */
export function SubscriptionScreen({ id }: { id: string }) {
  const { api } = useSession();
  const canManage = useCanManage();
  const loaded = useLoad(() => api.getSubscription(id), [id]);
  const catalog = useLoad(() => api.eventTypes(), []);
  const [subscription, setSubscription] = useState<Subscription | null>(null);
  const [deleted, setDeleted] = useState(false);
  useEffect(() => {
    if (loaded.data) setSubscription(loaded.data);
    if (loaded.data || loaded.error) markFirstScreen();
  }, [loaded.data, loaded.error]);
  if (deleted) {
    return (
      <p class="ok" role="status">
        Subscription deleted.{' '}
        <a href={routeHref({ screen: 'subscriptions' })}>Back to subscriptions</a>
      </p>
    );
  }
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!subscription) return <Loading what="the subscription" />;
  const state = subscriptionState(subscription);
  const eventTypes =
    catalog.data?.map((t) => t.type) ?? subscription.events.filter((e) => !e.includes('*'));
  return (
    <>
      <Section
        title="Subscription"
        id="subscription-heading"
        actions={
          canManage ? (
            <a class="button" href={routeHref({ screen: 'edit-subscription', id })}>
              Edit
            </a>
          ) : null
        }
      >
        <p class="url-line">
          <span class="url">{subscription.url}</span> <StateBadge view={state} />
        </p>
        <p class="muted">{state.reason}</p>
        {subscription.description ? <p>{subscription.description}</p> : null}
        <dl class="facts">
          <div>
            <dt>Events</dt>
            <dd>
              {subscription.events.map((e) => (
                <code key={e}>{e}</code>
              ))}
            </dd>
          </div>
          <div>
            <dt>Format</dt>
            <dd>{subscription.format}</dd>
          </div>
          <div>
            <dt>Signature</dt>
            <dd>{subscription.signatureAlgorithm}</dd>
          </div>
          <div>
            <dt>Retries</dt>
            <dd>{subscription.maxRetryCount}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>{formatDateTime(subscription.createdAt)}</dd>
          </div>
        </dl>
        <StatsLine id={id} />
        <SubscriptionActions
          subscription={subscription}
          onChanged={setSubscription}
          onDeleted={() => setDeleted(true)}
        />
        <SecretPanel subscriptionId={id} />
      </Section>
      <Section title="Activity" id="subscription-activity-heading">
        <DeliveriesChart subscriptionId={id} />
      </Section>
      <Section title="Deliveries and attempts" id="attempts-heading">
        <AttemptLog subscriptionId={id} eventTypes={eventTypes} />
        <RecoverForm subscriptionId={id} />
      </Section>
    </>
  );
}
