import { useState } from 'preact/hooks';
import type { Subscription, SubscriptionInput } from '../api';
import { ErrorNote, Loading, Section } from '../components/ui';
import { routeHref } from '../lib/route';
import { useCanManage, useSession } from '../session';
import { later, useAction, useLoad } from '../use-load';

/** Create a subscription, or edit one (`id`): URL, events, description, retries, active. */
export function SubscriptionFormScreen({ id }: { id?: string }) {
  const { api } = useSession();
  const existing = useLoad(() => (id ? api.getSubscription(id) : Promise.resolve(null)), [id]);
  const catalog = useLoad(() => api.eventTypes(), []);
  if (!useCanManage()) {
    return <ErrorNote error="Your token is read-only: it cannot create or change subscriptions." />;
  }
  if (existing.error) return <ErrorNote error={existing.error} />;
  if (id && !existing.data) return <Loading what="the subscription" />;
  return (
    <Section title={id ? 'Edit subscription' : 'New subscription'} id="form-heading">
      <ErrorNote error={catalog.error} />
      <SubscriptionForm
        key={id ?? 'new'}
        initial={existing.data}
        eventTypes={catalog.data?.map((t) => t.type) ?? []}
      />
    </Section>
  );
}

function SubscriptionForm({
  initial,
  eventTypes,
}: {
  initial: Subscription | null;
  eventTypes: string[];
}) {
  const { api } = useSession();
  const initialEvents = initial?.events ?? [];
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [checked, setChecked] = useState<Set<string>>(new Set(initialEvents));
  const [patterns, setPatterns] = useState(initialEvents.filter((e) => e.includes('*')).join(', '));
  const [retries, setRetries] = useState(String(initial?.maxRetryCount ?? 10));
  const [active, setActive] = useState(initial?.isActive ?? true);
  const [created, setCreated] = useState<(Subscription & { secret?: string }) | null>(null);
  const save = useAction(async (body: SubscriptionInput) =>
    initial ? api.updateSubscription(initial.id, body) : api.createSubscription(body),
  );
  if (created) {
    return (
      <div role="status">
        <p class="ok">Subscription created for {created.url}.</p>
        {created.secret ? (
          <p>
            Its signing secret, shown this once (reveal it later from the subscription):{' '}
            <code class="secret">{created.secret}</code>
          </p>
        ) : null}
        <a class="button primary" href={routeHref({ screen: 'subscription', id: created.id })}>
          Open the subscription
        </a>
      </div>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    const wildcards = patterns
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const events = [...new Set([...[...checked].filter((e) => !e.includes('*')), ...wildcards])];
    const body: SubscriptionInput = {
      url: url.trim(),
      events,
      description: description.trim() || undefined,
      maxRetryCount: Number(retries),
      isActive: active,
    };
    const saved = await save.run(body);
    if (!saved) return;
    if (initial) window.location.hash = routeHref({ screen: 'subscription', id: saved.id });
    else setCreated(saved);
  };
  const known = [...new Set([...eventTypes, ...initialEvents.filter((e) => !e.includes('*'))])];
  return (
    <form class="form" onSubmit={later(submit)}>
      <label>
        Endpoint URL
        <input
          type="url"
          required
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          placeholder="https://hooks.example.com/hr"
        />
      </label>
      <label>
        Description
        <input
          type="text"
          maxLength={500}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </label>
      <fieldset>
        <legend>Events</legend>
        <div class="checks">
          {known.map((type) => (
            <label key={type} class="check">
              <input
                type="checkbox"
                checked={checked.has(type)}
                onChange={(e) => {
                  const next = new Set(checked);
                  if (e.currentTarget.checked) next.add(type);
                  else next.delete(type);
                  setChecked(next);
                }}
              />
              <code>{type}</code>
            </label>
          ))}
        </div>
        <label>
          Wildcard patterns (comma-separated, e.g. <code>candidate.*</code> or <code>*</code>)
          <input type="text" value={patterns} onInput={(e) => setPatterns(e.currentTarget.value)} />
        </label>
      </fieldset>
      <label>
        Retries after the first attempt (0 to 20)
        <input
          type="number"
          min={0}
          max={20}
          required
          value={retries}
          onInput={(e) => setRetries(e.currentTarget.value)}
        />
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={active}
          onChange={(e) => setActive(e.currentTarget.checked)}
        />
        Active (deliver events to it)
      </label>
      <ErrorNote error={save.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={save.busy}>
          {initial ? 'Save changes' : 'Create subscription'}
        </button>
        <a
          class="button"
          href={
            initial
              ? routeHref({ screen: 'subscription', id: initial.id })
              : routeHref({ screen: 'subscriptions' })
          }
        >
          Cancel
        </a>
      </div>
    </form>
  );
}
