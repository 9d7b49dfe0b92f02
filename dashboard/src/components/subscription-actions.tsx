import { useState } from 'preact/hooks';
import type { Subscription, TestPingResult } from '../api';
import { formatDuration } from '../lib/format';
import { useCanManage, useSession } from '../session';
import { later, useAction } from '../use-load';
import { ErrorNote } from './ui';

/**
 * Pause/resume, test ping (its result inline) and delete: shown to a token that may manage only
 * (the API refuses them to a read-only token anyway).
 */
export function SubscriptionActions({
  subscription,
  onChanged,
  onDeleted,
}: {
  subscription: Subscription;
  onChanged(next: Subscription): void;
  onDeleted(): void;
}) {
  const { api } = useSession();
  const canManage = useCanManage();
  const [ping, setPing] = useState<TestPingResult | null>(null);
  const toggle = useAction(() =>
    api.updateSubscription(subscription.id, { isActive: !subscription.isActive }),
  );
  const test = useAction(() => api.testPing(subscription.id));
  const remove = useAction(() => api.deleteSubscription(subscription.id));
  if (!canManage) return null;
  const name = subscription.description || subscription.url;
  return (
    <div class="row-actions">
      <div class="actions">
        <button
          type="button"
          disabled={toggle.busy}
          aria-label={`${subscription.isActive ? 'Pause' : 'Resume'} ${name}`}
          onClick={later(async () => {
            const next = await toggle.run();
            if (next) onChanged(next);
          })}
        >
          {subscription.isActive ? 'Pause' : 'Resume'}
        </button>
        <button
          type="button"
          disabled={test.busy}
          aria-label={`Send a test ping to ${name}`}
          onClick={later(async () => {
            setPing(null);
            setPing(await test.run());
          })}
        >
          {test.busy ? 'Pinging…' : 'Test ping'}
        </button>
        <button
          type="button"
          class="danger"
          disabled={remove.busy}
          aria-label={`Delete ${name}`}
          onClick={later(async () => {
            if (
              !window.confirm(
                `Delete the subscription to ${subscription.url}? Pending deliveries are cancelled.`,
              )
            ) {
              return;
            }
            if (await remove.run()) onDeleted();
          })}
        >
          Delete
        </button>
      </div>
      {ping ? <PingResult result={ping} /> : null}
      <ErrorNote error={toggle.error ?? test.error ?? remove.error} />
    </div>
  );
}

export function PingResult({ result }: { result: TestPingResult }) {
  const answer = result.statusCode === null ? 'no answer' : `HTTP ${result.statusCode}`;
  return (
    <p class={result.delivered ? 'ok' : 'error'} role="status">
      {result.delivered ? 'Test ping delivered' : 'Test ping failed'}: {answer} in{' '}
      {formatDuration(result.durationMs)}
      {result.error ? ` (${result.error})` : ''}
    </p>
  );
}
