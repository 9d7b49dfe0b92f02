import { useEffect } from 'preact/hooks';
import { ErrorNote, Loading, Section } from '../components/ui';
import { examplePayload, exampleOf } from '../lib/example';
import { useSession } from '../session';
import { markFirstScreen, useLoad } from '../use-load';

/** Every event type with the JSON Schema of its data and an example payload. */
export function CatalogScreen() {
  const { api, claims } = useSession();
  const catalog = useLoad(() => api.eventTypes(), []);
  useEffect(() => {
    if (catalog.data || catalog.error) markFirstScreen();
  }, [catalog.data, catalog.error]);
  return (
    <Section title="Event catalog" id="catalog-heading">
      <ErrorNote error={catalog.error} />
      {catalog.loading && !catalog.data ? <Loading what="the catalog" /> : null}
      <ul class="catalog">
        {catalog.data?.map((t) => (
          <li key={t.type} class="card">
            <h3>
              <code>{t.type}</code>
            </h3>
            <p>{t.description}</p>
            <details>
              <summary>JSON Schema of its data</summary>
              <pre>{JSON.stringify(t.schema, null, 2)}</pre>
            </details>
            <details>
              <summary>Example payload</summary>
              <pre>
                {JSON.stringify(
                  examplePayload(t.type, exampleOf(t.schema), claims.companyId),
                  null,
                  2,
                )}
              </pre>
            </details>
          </li>
        ))}
      </ul>
    </Section>
  );
}
