import { useState } from 'preact/hooks';
import { useCanManage, useSession } from '../session';
import { later, useAction } from '../use-load';
import { ErrorNote } from './ui';

/** Reveal and rotate the signing secret: manage only (the API refuses both to read-only tokens). */
export function SecretPanel({ subscriptionId }: { subscriptionId: string }) {
  const { api } = useSession();
  const [shown, setShown] = useState<{ label: string; value: string } | null>(null);
  const reveal = useAction(() => api.revealSecret(subscriptionId));
  const rotate = useAction(() => api.rotateSecret(subscriptionId));
  if (!useCanManage()) return null;
  const show = (label: string, answer: { secret?: string; publicKey?: string } | null) => {
    if (!answer) return;
    setShown(
      answer.secret
        ? { label, value: answer.secret }
        : { label: 'Public key', value: answer.publicKey ?? '' },
    );
  };
  return (
    <div class="secret-panel">
      <div class="actions">
        <button
          type="button"
          disabled={reveal.busy}
          onClick={later(async () => show('Signing secret', await reveal.run()))}
        >
          Reveal secret
        </button>
        <button
          type="button"
          disabled={rotate.busy}
          onClick={later(async () => {
            if (
              !window.confirm(
                'Rotate the signing secret? The old one keeps signing beside the new one for 24 h.',
              )
            ) {
              return;
            }
            show('New signing secret (the old one signs too for 24 h)', await rotate.run());
          })}
        >
          Rotate secret
        </button>
        {shown ? (
          <button type="button" onClick={() => setShown(null)}>
            Hide secret
          </button>
        ) : null}
      </div>
      {shown ? (
        <p>
          {shown.label}: <code class="secret">{shown.value}</code>
        </p>
      ) : null}
      <ErrorNote error={reveal.error ?? rotate.error} />
    </div>
  );
}
