import { useState } from 'preact/hooks';
import { fromLocalInput, toLocalInput } from '../lib/time-range';
import { useCanManage, useSession } from '../session';
import { later, useAction } from '../use-load';
import { ErrorNote } from './ui';

/** Try again the subscription's failed deliveries whose last attempt is at or after a time. */
export function RecoverForm({ subscriptionId }: { subscriptionId: string }) {
  const { api } = useSession();
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 60 * 60_000)));
  const [result, setResult] = useState<string | null>(null);
  const recover = useAction((iso: string) => api.recover(subscriptionId, iso));
  if (!useCanManage()) return null;
  return (
    <form
      class="inline-form"
      onSubmit={later(async (e) => {
        e.preventDefault();
        setResult(null);
        const date = fromLocalInput(since);
        if (!date) {
          setResult(null);
          recover.clear();
          return;
        }
        const answer = await recover.run(date.toISOString());
        if (answer) {
          setResult(
            `${answer.requeued} failed ${answer.requeued === 1 ? 'delivery' : 'deliveries'} queued again.`,
          );
        }
      })}
    >
      <label>
        Recover failed deliveries since
        <input
          type="datetime-local"
          required
          value={since}
          onInput={(e) => setSince(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={recover.busy}>
        Recover failed
      </button>
      {result ? (
        <p class="ok" role="status">
          {result}
        </p>
      ) : null}
      <ErrorNote error={recover.error} />
    </form>
  );
}
