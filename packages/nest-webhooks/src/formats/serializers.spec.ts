import { CloudEvent, HTTP } from 'cloudevents';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { EventSerializer } from '../interfaces/event-serializer.interface';
import type { OutgoingEvent } from '../interfaces/outgoing-event.interface';
import { CLOUDEVENTS_XML_NAMESPACE } from './cloudevents-xml.serializer';
import { BUILTIN_SERIALIZERS, SerializerRegistry, UnknownFormatError } from './serializer-registry';

const registry = new SerializerRegistry();
const json = registry.get('json');
const cloudEventsJson = registry.get('cloudevents+json');
const xml = registry.get('xml');
const cloudEventsXml = registry.get('cloudevents+xml');

const tricky = `Zoë <b>&amp;</b> "quoted" 'single' ]]> 日本語 🚀`;
const event: OutgoingEvent = {
  id: '3f1c2a9e-6f5b-4a57-9a0e-4a1e2b3c4d5e',
  type: 'candidate.created',
  timestamp: '2026-11-23T12:00:00.123Z',
  companyId: 'acme',
  data: {
    candidateId: 'cand_1',
    firstName: tricky,
    lastName: 'Ørsted',
    status: 'new',
    age: 42,
    score: -1.5,
    active: true,
    middleName: null,
    address: { street: '1 rue de la Paix', city: 'Paris', geo: { lat: 48.8686, lng: 2.3314 } },
    tags: ['hr', 'paris', 'senior'],
    skills: [{ name: 'TypeScript' }, { name: 'SQL' }],
    matrix: [
      [1, 2],
      [3, 4],
    ],
  },
};
const second: OutgoingEvent = {
  id: 'evt_2',
  type: 'contract.signed',
  timestamp: '2026-11-23T12:00:01.000Z',
  companyId: 'acme',
  data: { contractId: 'ctr_1', employeeId: 'emp_1', contractType: 'CDI', startDate: '2027-01-04' },
};

const text = (body: Buffer) => body.toString('utf8');

/** What fast-xml-parser gives back: text, or elements (and `@_` attributes) by name. */
type Xml = { [name: string]: Xml };

/** How a receiver reads XML with fast-xml-parser: strings kept as they are, attributes read. */
function parseXml(body: Buffer): Xml {
  const source = text(body);
  expect(XMLValidator.validate(source)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    trimValues: false,
  });
  return parser.parse(source) as Xml;
}

describe('json', () => {
  it('is {"id","event","timestamp","companyId","data"} in that order', () => {
    expect(json.contentType).toBe('application/json');
    const body = JSON.parse(text(json.serialize(event)));
    expect(Object.keys(body)).toEqual(['id', 'event', 'timestamp', 'companyId', 'data']);
    expect(body).toEqual({
      id: event.id,
      event: 'candidate.created',
      timestamp: event.timestamp,
      companyId: 'acme',
      data: event.data,
    });
    expect(body.data.firstName).toBe(tricky);
  });

  it('writes UTF-8 bytes', () => {
    const body = json.serialize(event);
    expect(body.includes(Buffer.from('日本語 🚀', 'utf8'))).toBe(true);
  });

  it('always has data', () => {
    const body = JSON.parse(text(json.serialize({ ...event, data: undefined })));
    expect(body.data).toBeNull();
  });

  it('batches as a JSON array of bodies', () => {
    expect(json.batchContentType).toBe('application/json');
    const batch = JSON.parse(text(json.serializeBatch([event, second])));
    expect(batch).toEqual([
      JSON.parse(text(json.serialize(event))),
      JSON.parse(text(json.serialize(second))),
    ]);
    expect(JSON.parse(text(json.serializeBatch([])))).toEqual([]);
  });
});

describe('cloudevents+json', () => {
  it('is a structured-mode CloudEvent the SDK reads back', () => {
    expect(cloudEventsJson.contentType).toBe('application/cloudevents+json');
    const body = text(cloudEventsJson.serialize(event));
    const received = HTTP.toEvent({
      headers: { 'content-type': cloudEventsJson.contentType },
      body,
    }) as CloudEvent<Record<string, unknown>>;
    expect(received).toBeInstanceOf(CloudEvent);
    expect(received.validate()).toBe(true);
    expect(received.specversion).toBe('1.0');
    expect(received.id).toBe(event.id);
    expect(received.type).toBe('candidate.created');
    expect(received.source).toBe('/companies/acme');
    expect(received.time).toBe('2026-11-23T12:00:00.123Z');
    expect(received.datacontenttype).toBe('application/json');
    expect(received.data).toEqual(event.data);
    expect(received['companyid']).toBe('acme');

    const raw = JSON.parse(body);
    expect(raw).toMatchObject({
      specversion: '1.0',
      id: event.id,
      source: '/companies/acme',
      type: 'candidate.created',
      time: '2026-11-23T12:00:00.123Z',
      datacontenttype: 'application/json',
      companyid: 'acme',
    });
    expect(raw.data.firstName).toBe(tricky);
  });

  it('writes time as UTC with milliseconds and URI-encodes the company in source', () => {
    const body = text(
      cloudEventsJson.serialize({
        ...event,
        timestamp: '2026-11-23T13:00:00+01:00',
        companyId: 'acme corp/fr',
      }),
    );
    const received = HTTP.toEvent({
      headers: { 'content-type': 'application/cloudevents+json' },
      body,
    }) as CloudEvent<unknown>;
    expect(received.time).toBe('2026-11-23T12:00:00.000Z');
    expect(received.source).toBe('/companies/acme%20corp%2Ffr');
    expect(received['companyid']).toBe('acme corp/fr');
  });

  it('batches in the JSON batch format the SDK reads back', () => {
    expect(cloudEventsJson.batchContentType).toBe('application/cloudevents-batch+json');
    const received = HTTP.toEvent({
      headers: { 'content-type': cloudEventsJson.batchContentType },
      body: text(cloudEventsJson.serializeBatch([event, second])),
    });
    expect(Array.isArray(received)).toBe(true);
    const events = received as CloudEvent<unknown>[];
    expect(events.map((e) => [e.id, e.type, e.source, e.time])).toEqual([
      [event.id, 'candidate.created', '/companies/acme', '2026-11-23T12:00:00.123Z'],
      ['evt_2', 'contract.signed', '/companies/acme', '2026-11-23T12:00:01.000Z'],
    ]);
    expect(events[0].data).toEqual(event.data);
    expect(events[1].data).toEqual(second.data);
    const single = JSON.parse(text(cloudEventsJson.serialize(second)));
    expect(JSON.parse(text(cloudEventsJson.serializeBatch([second])))).toEqual([single]);
  });
});

describe('xml', () => {
  it('has the envelope and the data as nested elements', () => {
    expect(xml.contentType).toBe('application/xml');
    const body = text(xml.serialize(event));
    expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?><event><id>')).toBe(true);
    const root = parseXml(xml.serialize(event)).event;
    expect(Object.keys(root)).toEqual(['id', 'event', 'timestamp', 'companyId', 'data']);
    expect(root.id).toBe(event.id);
    expect(root.event).toBe('candidate.created');
    expect(root.timestamp).toBe(event.timestamp);
    expect(root.companyId).toBe('acme');

    const data = root.data;
    expect(data.candidateId).toBe('cand_1');
    expect(data.lastName).toBe('Ørsted');
    expect(data.age).toBe('42');
    expect(data.score).toBe('-1.5');
    expect(data.active).toBe('true');
    expect(data.middleName).toBe('');
    expect(body).toContain('<middleName/>');
    expect(data.address).toEqual({
      street: '1 rue de la Paix',
      city: 'Paris',
      geo: { lat: '48.8686', lng: '2.3314' },
    });
    expect(data.tags).toEqual(['hr', 'paris', 'senior']);
    expect(body).toContain('<tags>hr</tags><tags>paris</tags><tags>senior</tags>');
    expect(data.skills).toEqual([{ name: 'TypeScript' }, { name: 'SQL' }]);
    expect(data.matrix).toEqual([{ item: ['1', '2'] }, { item: ['3', '4'] }]);
  });

  it('escapes text and keeps unicode', () => {
    const body = text(xml.serialize(event));
    expect(body).toContain(
      '<firstName>Zoë &lt;b&gt;&amp;amp;&lt;/b&gt; "quoted" \'single\' ]]&gt; 日本語 🚀</firstName>',
    );
    expect(parseXml(xml.serialize(event)).event.data.firstName).toBe(tricky);
    const injected = xml.serialize({
      ...event,
      id: '</id><evil/>',
      type: 'a&b',
      data: { note: '</note></data></event><event>' },
    });
    const root = parseXml(injected).event;
    expect(root.id).toBe('</id><evil/>');
    expect(root.event).toBe('a&b');
    expect(root.data.note).toBe('</note></data></event><event>');
  });

  it('keeps keys that are not XML names as <field name="...">', () => {
    const body = xml.serialize({
      ...event,
      data: {
        'first name': 'a',
        '1st': 'b',
        'a:b': 'c',
        '': 'd',
        '<x y="1">': 'e',
        'line\nbreak\t"q"': 'f',
        'été.2': 'g',
        list: [],
        '-weird': [1, 2],
      },
    });
    const source = text(body);
    expect(source).toContain('<field name="first name">a</field>');
    expect(source).toContain('<field name="&lt;x y=&quot;1&quot;&gt;">e</field>');
    expect(source).toContain('<field name="line&#10;break&#9;&quot;q&quot;">f</field>');
    expect(source).toContain('<été.2>g</été.2>');
    expect(source).not.toContain('<list');
    const parsed = parseXml(body).event.data.field as unknown as Array<Record<string, string>>;
    const fields = parsed.map((f) => [f['@_name'], f['#text'] ?? '']);
    expect(fields).toEqual([
      ['first name', 'a'],
      ['1st', 'b'],
      ['a:b', 'c'],
      ['', 'd'],
      ['<x y="1">', 'e'],
      // fast-xml-parser leaves character references as they are; XML parsers decode them.
      ['line&#10;break&#9;"q"', 'f'],
      ['-weird', '1'],
      ['-weird', '2'],
    ]);
  });

  it('replaces characters XML cannot carry', () => {
    const body = xml.serialize({ ...event, data: { note: 'a\u0000b\u001bc\ud800d\tok' } });
    expect(parseXml(body).event.data.note).toBe('a\uFFFDb\uFFFDc\uFFFDd\tok');
  });

  it('writes non-object data and no data', () => {
    expect(parseXml(xml.serialize({ ...event, data: 'plain' })).event.data).toBe('plain');
    expect(parseXml(xml.serialize({ ...event, data: [1, 'two'] })).event.data).toEqual({
      item: ['1', 'two'],
    });
    expect(text(xml.serialize({ ...event, data: null }))).toContain('<data/>');
    expect(text(xml.serialize({ ...event, data: undefined }))).toContain('<data/>');
    expect(
      parseXml(xml.serialize({ ...event, data: { when: new Date('2026-01-02T03:04:05Z') } })).event
        .data.when,
    ).toBe('2026-01-02T03:04:05.000Z');
  });

  it('batches as <events> of <event>', () => {
    expect(xml.batchContentType).toBe('application/xml');
    const events = parseXml(xml.serializeBatch([event, second])).events.event;
    expect(events).toHaveLength(2);
    expect(events[0].id).toBe(event.id);
    expect(events[0].data.firstName).toBe(tricky);
    expect(events[1]).toEqual({
      id: 'evt_2',
      event: 'contract.signed',
      timestamp: '2026-11-23T12:00:01.000Z',
      companyId: 'acme',
      data: second.data,
    });
    expect(text(xml.serializeBatch([]))).toBe('<?xml version="1.0" encoding="UTF-8"?><events/>');
  });
});

describe('cloudevents+xml', () => {
  it('is the CloudEvents XML format', () => {
    expect(cloudEventsXml.contentType).toBe('application/cloudevents+xml');
    const body = text(cloudEventsXml.serialize(event));
    expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?><event ')).toBe(true);
    const root = parseXml(cloudEventsXml.serialize(event)).event;
    expect(root['@_xmlns']).toBe(CLOUDEVENTS_XML_NAMESPACE);
    expect(root['@_xmlns:xsi']).toBe('http://www.w3.org/2001/XMLSchema-instance');
    expect(root['@_xmlns:xs']).toBe('http://www.w3.org/2001/XMLSchema');
    expect(root['@_specversion']).toBe('1.0');
    const attribute = (name: string) => [root[name]['#text'], root[name]['@_xsi:type']];
    expect(attribute('id')).toEqual([event.id, 'xs:string']);
    expect(attribute('source')).toEqual(['/companies/acme', 'xs:anyURI']);
    expect(attribute('type')).toEqual(['candidate.created', 'xs:string']);
    expect(attribute('time')).toEqual(['2026-11-23T12:00:00.123Z', 'xs:dateTime']);
    expect(attribute('datacontenttype')).toEqual(['application/xml', 'xs:string']);
    expect(attribute('companyid')).toEqual(['acme', 'xs:string']);

    expect(root.data['@_xsi:type']).toBe('xs:any');
    // Exactly one child element in <data>, outside the CloudEvents namespace.
    expect(Object.keys(root.data)).toEqual(['payload', '@_xsi:type']);
    const payload = root.data.payload;
    expect(payload['@_xmlns']).toBe('');
    expect(payload.candidateId).toBe('cand_1');
    expect(payload.firstName).toBe(tricky);
    expect(payload.address.geo).toEqual({ lat: '48.8686', lng: '2.3314' });
    expect(payload.tags).toEqual(['hr', 'paris', 'senior']);
    expect(payload.skills).toEqual([{ name: 'TypeScript' }, { name: 'SQL' }]);
    expect(payload.middleName).toBe('');
  });

  it('carries the same attributes as cloudevents+json', () => {
    const source = { ...event, timestamp: '2026-11-23T13:00:00+01:00', companyId: 'a b' };
    const fromJson = JSON.parse(text(cloudEventsJson.serialize(source)));
    const root = parseXml(cloudEventsXml.serialize(source)).event;
    for (const name of ['id', 'source', 'type', 'time', 'companyid']) {
      expect(root[name]['#text']).toBe(fromJson[name]);
    }
  });

  it('batches as <batch> of <event>', () => {
    expect(cloudEventsXml.batchContentType).toBe('application/cloudevents-batch+xml');
    const batch = parseXml(cloudEventsXml.serializeBatch([event, second])).batch;
    expect(batch['@_xmlns']).toBe(CLOUDEVENTS_XML_NAMESPACE);
    expect(batch.event).toHaveLength(2);
    expect([batch.event[0]['@_specversion'], batch.event[1]['@_specversion']]).toEqual([
      '1.0',
      '1.0',
    ]);
    expect(batch.event[0].id['#text']).toBe(event.id);
    expect(batch.event[0].data.payload.firstName).toBe(tricky);
    expect(batch.event[1].type['#text']).toBe('contract.signed');
    expect(batch.event[1].data.payload).toEqual({
      '@_xmlns': '',
      ...(second.data as Record<string, string>),
    });
  });
});

describe('SerializerRegistry', () => {
  it('has the built-ins', () => {
    expect(registry.formats()).toEqual(['json', 'cloudevents+json', 'xml', 'cloudevents+xml']);
    expect(BUILTIN_SERIALIZERS.map((s) => s.contentType)).toEqual([
      'application/json',
      'application/cloudevents+json',
      'application/xml',
      'application/cloudevents+xml',
    ]);
    expect(registry.has('xml')).toBe(true);
    expect(registry.has('XML')).toBe(false);
  });

  it('throws a clear error for an unknown format', () => {
    expect(() => registry.get('yaml')).toThrow(UnknownFormatError);
    expect(() => registry.get('yaml')).toThrow(
      'Unknown webhook format "yaml" (known: json, cloudevents+json, xml, cloudevents+xml)',
    );
  });

  it("uses a host's serializer, and lets it replace a built-in", () => {
    const csv: EventSerializer = {
      format: 'csv',
      contentType: 'text/csv',
      batchContentType: 'text/csv',
      serialize: (e) => Buffer.from(`${e.id},${e.type}\n`),
      serializeBatch: (es) => Buffer.from(es.map((e) => `${e.id},${e.type}\n`).join('')),
    };
    const compactJson: EventSerializer = {
      ...csv,
      format: 'json',
      contentType: 'application/json',
    };
    const custom = new SerializerRegistry([csv, compactJson]);
    expect(custom.formats()).toEqual(['json', 'cloudevents+json', 'xml', 'cloudevents+xml', 'csv']);
    expect(text(custom.get('csv').serialize(second))).toBe('evt_2,contract.signed\n');
    expect(custom.get('json')).toBe(compactJson);
    expect(() => new SerializerRegistry([csv, csv])).toThrow(/registered twice/);
    expect(() => new SerializerRegistry([{ ...csv, contentType: '' }])).toThrow(/contentType/);
  });
});
