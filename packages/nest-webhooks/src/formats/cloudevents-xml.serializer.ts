import type { EventSerializer } from '../interfaces/event-serializer.interface';
import type { OutgoingEvent } from '../interfaces/outgoing-event.interface';
import { toCloudEvent } from './cloudevents-json.serializer';
import { dataContent, xmlDocument, xmlElement, type XmlNode, xmlTextElement } from './xml-tree';

export const CLOUDEVENTS_XML_NAMESPACE = 'http://cloudevents.io/xmlformat/V1';
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const XS_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';
const NAMESPACES = {
  xmlns: CLOUDEVENTS_XML_NAMESPACE,
  'xmlns:xsi': XSI_NAMESPACE,
  'xmlns:xs': XS_NAMESPACE,
};

/**
 * The one child element of `<data xsi:type="xs:any">` (the format allows exactly one), holding
 * the data's fields. It resets the default namespace (`xmlns=""`): the data's elements are not
 * CloudEvents elements, they have no namespace, as in the `xml` format.
 */
export const CLOUDEVENTS_XML_DATA_ELEMENT = 'payload';

const DATA_CONTENT_TYPE = 'application/xml';

/** `<event specversion="1.0">` with the context attributes and `<data>` (no namespace declarations). */
export function cloudEventXmlElement(
  event: OutgoingEvent,
  namespaces: Record<string, string> = {},
): XmlNode {
  // Built with the SDK so both CloudEvents formats carry the same, validated attributes.
  const ce = toCloudEvent(event, DATA_CONTENT_TYPE);
  const attribute = (name: string, value: string, type: string) =>
    xmlTextElement(name, value, { 'xsi:type': type });
  return xmlElement(
    'event',
    [
      attribute('id', ce.id, 'xs:string'),
      attribute('source', ce.source, 'xs:anyURI'),
      attribute('type', ce.type, 'xs:string'),
      attribute('time', new Date(ce.time ?? event.timestamp).toISOString(), 'xs:dateTime'),
      attribute('datacontenttype', DATA_CONTENT_TYPE, 'xs:string'),
      attribute('companyid', event.companyId, 'xs:string'),
      xmlElement(
        'data',
        [xmlElement(CLOUDEVENTS_XML_DATA_ELEMENT, dataContent(event.data), { xmlns: '' })],
        { 'xsi:type': 'xs:any' },
      ),
    ],
    { ...namespaces, specversion: ce.specversion },
  );
}

/**
 * `cloudevents+xml` (`application/cloudevents+xml`): the CloudEvents XML format
 * (cloudevents/spec working draft `xml-format.md`):
 *
 * ```xml
 * <?xml version="1.0" encoding="UTF-8"?>
 * <event xmlns="http://cloudevents.io/xmlformat/V1" xmlns:xsi="..." xmlns:xs="..." specversion="1.0">
 *   <id xsi:type="xs:string">…</id><source xsi:type="xs:anyURI">/companies/acme</source>
 *   <type xsi:type="xs:string">candidate.created</type><time xsi:type="xs:dateTime">…</time>
 *   <datacontenttype xsi:type="xs:string">application/xml</datacontenttype>
 *   <companyid xsi:type="xs:string">acme</companyid>
 *   <data xsi:type="xs:any"><payload xmlns=""><candidateId>…</candidateId>…</payload></data>
 * </event>
 * ```
 *
 * The data is XML (so `datacontenttype` is `application/xml`), built like the `xml` format's
 * `<data>` (see `xml-tree.ts`). A batch is the XML batch format
 * (`application/cloudevents-batch+xml`): `<batch xmlns=...>` with one `<event>` per event.
 */
export class CloudEventsXmlSerializer implements EventSerializer {
  readonly format = 'cloudevents+xml';
  readonly contentType = 'application/cloudevents+xml';
  readonly batchContentType = 'application/cloudevents-batch+xml';

  serialize(event: OutgoingEvent): Buffer {
    return xmlDocument(cloudEventXmlElement(event, NAMESPACES));
  }

  serializeBatch(events: readonly OutgoingEvent[]): Buffer {
    return xmlDocument(
      xmlElement(
        'batch',
        events.map((event) => cloudEventXmlElement(event)),
        NAMESPACES,
      ),
    );
  }
}
