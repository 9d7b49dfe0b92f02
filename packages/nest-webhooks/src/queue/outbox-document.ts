import { concernedSubscription } from '../catalog/builtin-event-types';
import { filtersMatching } from '../catalog/event-type-matching';
import type { OutboxEvent } from './outbox.repository';

/** An operational event's `about` (the subscription it must not go to); nothing for the others. */
function aboutField(e: OutboxEvent): string {
  const about = concernedSubscription(e.type, e.data);
  return about ? `"about":"${about}",` : '';
}

/**
 * The group's events as one JSON array (one parameter, serialised natively instead of five
 * escaped text arrays); each event's data is spliced in as the JSON text taken at publish time.
 */
export function outboxDocument(events: OutboxEvent[], keyed: boolean): string {
  return `[${events
    .map(
      (e) =>
        `{"id":"${e.id}","company_id":${JSON.stringify(e.companyId)},"type":${JSON.stringify(e.type)},` +
        (keyed
          ? `"idempotency_key":${JSON.stringify(e.idempotency?.key ?? null)},` +
            `"request_hash":${JSON.stringify(e.idempotency?.requestHash ?? null)},`
          : '') +
        // Event filters never contain a comma (EVENT_FILTER_PATTERN).
        `"filters":"${filtersMatching(e.type).join(',')}",${aboutField(e)}"data":${e.data}}`,
    )
    .join(',')}]`;
}
