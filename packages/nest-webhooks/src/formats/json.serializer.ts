import type { EventSerializer } from '../interfaces/event-serializer.interface';
import type { OutgoingEvent } from '../interfaces/outgoing-event.interface';

/** The `json` body of one event, keys in this order. */
export interface JsonEventBody {
  id: string;
  event: string;
  timestamp: string;
  companyId: string;
  data: unknown;
}

export function jsonEventBody(event: OutgoingEvent): JsonEventBody {
  return {
    id: event.id,
    event: event.type,
    timestamp: event.timestamp,
    companyId: event.companyId,
    data: event.data === undefined ? null : event.data,
  };
}

/**
 * `json` (the default): `{"id","event","timestamp","companyId","data"}`, UTF-8, no whitespace.
 * A batch is a JSON array of those bodies.
 */
export class JsonEventSerializer implements EventSerializer {
  readonly format = 'json';
  readonly contentType = 'application/json';
  readonly batchContentType = 'application/json';

  serialize(event: OutgoingEvent): Buffer {
    return Buffer.from(JSON.stringify(jsonEventBody(event)), 'utf8');
  }

  serializeBatch(events: readonly OutgoingEvent[]): Buffer {
    return Buffer.from(JSON.stringify(events.map(jsonEventBody)), 'utf8');
  }
}
