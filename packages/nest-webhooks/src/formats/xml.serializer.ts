import type { EventSerializer } from '../interfaces/event-serializer.interface';
import type { OutgoingEvent } from '../interfaces/outgoing-event.interface';
import { dataContent, xmlDocument, xmlElement, type XmlNode, xmlTextElement } from './xml-tree';

/** `<event>` with `id`, `event`, `timestamp`, `companyId` and `data` children. */
export function xmlEventElement(event: OutgoingEvent): XmlNode {
  return xmlElement('event', [
    xmlTextElement('id', event.id),
    xmlTextElement('event', event.type),
    xmlTextElement('timestamp', event.timestamp),
    xmlTextElement('companyId', event.companyId),
    xmlElement('data', dataContent(event.data)),
  ]);
}

/**
 * `xml` (`application/xml`):
 * `<?xml version="1.0" encoding="UTF-8"?><event><id/><event/><timestamp/><companyId/><data/></event>`,
 * the data's fields as nested elements (rules in `xml-tree.ts`: arrays as repeated elements,
 * null as an empty element, keys that are not XML names as `<field name="...">`).
 * A batch is `<events>` with one `<event>` per event.
 */
export class XmlEventSerializer implements EventSerializer {
  readonly format = 'xml';
  readonly contentType = 'application/xml';
  readonly batchContentType = 'application/xml';

  serialize(event: OutgoingEvent): Buffer {
    return xmlDocument(xmlEventElement(event));
  }

  serializeBatch(events: readonly OutgoingEvent[]): Buffer {
    return xmlDocument(xmlElement('events', events.map(xmlEventElement)));
  }
}
