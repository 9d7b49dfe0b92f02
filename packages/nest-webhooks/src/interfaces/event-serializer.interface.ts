import type { OutgoingEvent } from './outgoing-event.interface';

/**
 * Turns events into request bodies for one `format` (a subscription's `format` field). Built-ins:
 * `json`, `cloudevents+json`, `xml`, `cloudevents+xml`; a host adds its own through the module
 * options' `serializers` (matched by `format`).
 */
export interface EventSerializer {
  readonly format: string;
  readonly contentType: string;
  /** Content type of a batch body (several events in one request). */
  readonly batchContentType: string;
  serialize(event: OutgoingEvent): Buffer;
  serializeBatch(events: readonly OutgoingEvent[]): Buffer;
}
