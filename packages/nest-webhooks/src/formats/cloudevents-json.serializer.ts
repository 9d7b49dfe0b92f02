import { CloudEvent } from 'cloudevents';
import type { EventSerializer } from '../interfaces/event-serializer.interface';
import type { OutgoingEvent } from '../interfaces/outgoing-event.interface';

/** CloudEvents `source` of a company's events: `/companies/<companyId>` (URI-encoded). */
export function cloudEventSource(companyId: string): string {
  return `/companies/${encodeURIComponent(companyId)}`;
}

/**
 * The event as a CloudEvents 1.0 event (built and validated by the `cloudevents` SDK): `id` the
 * event id, `source` `/companies/<companyId>`, `type`, `time` the event timestamp,
 * `datacontenttype`, `data`, and the extension attribute `companyid`.
 */
export function toCloudEvent(
  event: OutgoingEvent,
  datacontenttype = 'application/json',
): CloudEvent<unknown> {
  return new CloudEvent<unknown>({
    specversion: '1.0',
    id: event.id,
    source: cloudEventSource(event.companyId),
    type: event.type,
    time: event.timestamp,
    datacontenttype,
    data: event.data === undefined ? null : event.data,
    companyid: event.companyId,
  });
}

/**
 * `cloudevents+json`: a CloudEvents 1.0 event in structured mode (`application/cloudevents+json`),
 * the body `HTTP.structured()` of the SDK writes (`event.toString()`); `time` is written as UTC
 * with milliseconds (the SDK normalises it). A batch is the JSON batch format
 * (`application/cloudevents-batch+json`): an array of structured events.
 */
export class CloudEventsJsonSerializer implements EventSerializer {
  readonly format = 'cloudevents+json';
  readonly contentType = 'application/cloudevents+json';
  readonly batchContentType = 'application/cloudevents-batch+json';

  serialize(event: OutgoingEvent): Buffer {
    return Buffer.from(toCloudEvent(event).toString(), 'utf8');
  }

  serializeBatch(events: readonly OutgoingEvent[]): Buffer {
    // JSON.stringify calls each CloudEvent's toJSON(), exactly as toString() does.
    return Buffer.from(JSON.stringify(events.map((event) => toCloudEvent(event))), 'utf8');
  }
}
