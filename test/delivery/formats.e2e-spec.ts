import { randomUUID } from 'node:crypto';
import { type CloudEvent, HTTP } from 'cloudevents';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Webhook } from 'standardwebhooks';
import type { EventTypeDefinition } from '../../packages/nest-webhooks/src/interfaces/event-type.interface';
import { WebhookPublisher } from '../../packages/nest-webhooks/src/events/webhook-publisher.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { type ReceivedRequest, TestReceiver } from '../support/receiver';
import {
  contractSigned,
  deliveryHelpers,
  flatHeaders,
  type Subscription,
} from '../support/delivery-harness';
import { DELIVERY_ENV, MANAGE } from '../support/constants';
import { sleep } from '../support/time';

/** A host event type whose data has a nested object and arrays (no catalog type has arrays). */
const TEAM_UPDATED: EventTypeDefinition = {
  type: 'team.updated',
  description: 'Test type with nested objects and arrays.',
  schema: {
    type: 'object',
    required: ['teamId', 'name', 'manager', 'tags', 'members'],
    properties: {
      teamId: { type: 'string' },
      name: { type: 'string' },
      manager: {
        type: 'object',
        properties: { id: { type: 'string' }, email: { type: 'string' } },
      },
      tags: { type: 'array', items: { type: 'string' } },
      members: {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: { type: 'string' }, role: { type: 'string' } },
        },
      },
    },
  },
};

/** What fast-xml-parser gives back: text, or elements (and `@_` attributes) by name. */
type Xml = string | { [name: string]: Xml } | Xml[];
type XmlElement = { [name: string]: Xml };

interface JsonBody {
  id: string;
  event: string;
  timestamp: string;
  companyId: string;
  data: unknown;
}

/** How a receiver reads XML: validated, strings kept as they are, attributes read, prefixes dropped. */
function parseXml(text: string): XmlElement {
  expect(XMLValidator.validate(text)).toBe(true);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
  }).parse(text) as XmlElement;
}

function element(node: Xml | undefined, what: string): XmlElement {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) {
    throw new Error(`${what} is not a single element: ${JSON.stringify(node)}`);
  }
  return node;
}

/** The text of an element that may carry attributes (`<id xsi:type="xs:string">…</id>`). */
function textOf(node: Xml | undefined): string {
  if (typeof node === 'string') return node;
  if (node && !Array.isArray(node) && typeof node['#text'] === 'string') return node['#text'];
  if (node && !Array.isArray(node) && Object.keys(node).every((k) => k.startsWith('@_'))) {
    return '';
  }
  throw new Error(`not a text element: ${JSON.stringify(node)}`);
}

/** The child elements of an element, attributes left out. */
function childrenOf(node: Xml | undefined, what: string): XmlElement {
  return Object.fromEntries(
    Object.entries(element(node, what)).filter(([name]) => !name.startsWith('@_')),
  );
}

function candidateData() {
  return {
    candidateId: randomUUID(),
    firstName: 'Léa',
    lastName: 'Martin & Fils <SA>',
    email: 'lea.martin@example.com',
    status: 'new',
    createdAt: '2026-11-23T10:00:00.000Z',
  };
}

describe('delivery formats', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let publisher: WebhookPublisher;
  const helpers = deliveryHelpers(
    () => t,
    () => receiver,
    [MANAGE],
  );
  const subscribe = (
    companyId: string,
    path: string,
    events: string[],
    extra: Record<string, unknown> = {},
  ): Promise<Subscription> => helpers.subscribe(companyId, path, { events, ...extra });

  /**
   * The Standard Webhooks signature is right. `Webhook.verify` JSON-parses the payload once the
   * signature matched, so for XML bodies the expected signature is made with `Webhook.sign`.
   */
  const verified = (sub: Subscription, req: ReceivedRequest) => {
    const headers = flatHeaders(req.headers);
    const expected = new Webhook(sub.secret).sign(
      headers['webhook-id'],
      new Date(Number(headers['webhook-timestamp']) * 1000),
      req.text,
    );
    expect(headers['webhook-signature'].split(' ')).toContain(expected);
    if (!/xml/.test(headers['content-type'])) {
      expect(() => new Webhook(sub.secret).verify(req.text, headers)).not.toThrow();
    }
  };

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV, { webhooks: { eventTypes: [TEAM_UPDATED] } });
    receiver = await TestReceiver.start();
    publisher = t.app.get(WebhookPublisher);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('one event, one subscription per format', () => {
    const companyId = 'fmt-one';
    const data = candidateData();
    let eventId: string;
    const subs: Record<string, Subscription> = {};
    const received: Record<string, ReceivedRequest> = {};

    beforeAll(async () => {
      for (const format of ['json', 'cloudevents+json', 'xml', 'cloudevents+xml']) {
        subs[format] = await subscribe(companyId, `/fmt/${format}`, ['candidate.*'], { format });
        expect(subs[format].format).toBe(format);
      }
      eventId = (await publisher.publish('candidate.created', data, { companyId })).id;
      for (const format of Object.keys(subs)) {
        [received[format]] = await receiver.waitFor(1, `/fmt/${format}`, 10_000);
      }
    });

    const jsonBody = () => JSON.parse(received.json.text) as JsonBody;

    it('json: application/json, {id, event, timestamp, companyId, data}', () => {
      const req = received.json;
      expect(req.headers['content-type']).toMatch(/^application\/json\b/);
      verified(subs.json, req);
      expect(jsonBody()).toEqual({
        id: eventId,
        event: 'candidate.created',
        timestamp: expect.any(String),
        companyId,
        data,
      });
      expect(Number.isNaN(Date.parse(jsonBody().timestamp))).toBe(false);
    });

    it('cloudevents+json: a structured CloudEvent the SDK reads back', () => {
      const req = received['cloudevents+json'];
      expect(req.headers['content-type']).toMatch(/^application\/cloudevents\+json\b/);
      expect(req.headers['webhook-id']).toBe(eventId);
      verified(subs['cloudevents+json'], req);
      const event = HTTP.toEvent({
        headers: req.headers,
        body: req.text,
      }) as CloudEvent<typeof data>;
      expect(Array.isArray(event)).toBe(false);
      expect(event.validate()).toBe(true);
      expect(event.specversion).toBe('1.0');
      expect(event.id).toBe(eventId);
      expect(event.type).toBe('candidate.created');
      expect(typeof event.source).toBe('string');
      expect(event.source.length).toBeGreaterThan(0);
      expect(event.time).toBeDefined();
      expect(new Date(event.time!).getTime()).toBe(new Date(jsonBody().timestamp).getTime());
      expect(event.data).toEqual(data);
      const raw = JSON.parse(req.text) as Record<string, unknown>;
      expect(raw).toMatchObject({ specversion: '1.0', id: eventId, type: 'candidate.created' });
      expect(raw.datacontenttype).toMatch(/^application\/json\b/);
    });

    it('xml: application/xml, <event> with id, event, timestamp, companyId and nested data', () => {
      const req = received.xml;
      expect(req.headers['content-type']).toMatch(/^application\/xml\b/);
      expect(req.headers['webhook-id']).toBe(eventId);
      verified(subs.xml, req);
      const doc = parseXml(req.text);
      const root = childrenOf(doc.event, '<event>');
      expect(textOf(root.id)).toBe(eventId);
      expect(textOf(root.event)).toBe('candidate.created');
      expect(new Date(textOf(root.timestamp)).getTime()).toBe(
        new Date(jsonBody().timestamp).getTime(),
      );
      expect(textOf(root.companyId)).toBe(companyId);
      const fields = childrenOf(root.data, '<data>');
      expect(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, textOf(v)]))).toEqual(
        data,
      );
    });

    it('cloudevents+xml: application/cloudevents+xml, the attributes as child elements and <data>', () => {
      const req = received['cloudevents+xml'];
      expect(req.headers['content-type']).toMatch(/^application\/cloudevents\+xml\b/);
      expect(req.headers['webhook-id']).toBe(eventId);
      verified(subs['cloudevents+xml'], req);
      const doc = parseXml(req.text);
      const event = element(doc.event, '<event>');
      const root = childrenOf(event, '<event>');
      // CloudEvents XML format: specversion is an attribute of <event>.
      expect(event['@_specversion'] ?? textOf(root.specversion)).toBe('1.0');
      expect(textOf(root.id)).toBe(eventId);
      expect(textOf(root.type)).toBe('candidate.created');
      expect(textOf(root.source).length).toBeGreaterThan(0);
      expect(new Date(textOf(root.time)).getTime()).toBe(new Date(jsonBody().timestamp).getTime());
      // <data> holds the fields, directly or in the one child element xs:any allows.
      let fields = childrenOf(root.data, '<data>');
      if (!('candidateId' in fields)) {
        expect(Object.keys(fields)).toHaveLength(1);
        fields = childrenOf(Object.values(fields)[0], '<data> child');
      }
      expect(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, textOf(v)]))).toEqual(
        data,
      );
    });
  });

  it('xml formats: nested objects as nested elements, arrays as repeated elements', async () => {
    const companyId = 'fmt-arrays';
    const xmlSub = await subscribe(companyId, '/arrays/xml', ['team.updated'], { format: 'xml' });
    await subscribe(companyId, '/arrays/ce-xml', ['team.updated'], { format: 'cloudevents+xml' });
    const data = {
      teamId: 'team-1',
      name: 'Payroll',
      manager: { id: 'emp-7', email: 'boss@example.com' },
      tags: ['hr', 'paris', 'senior'],
      members: [
        { name: 'Léa', role: 'lead' },
        { name: 'Noé', role: 'dev' },
      ],
    };
    const { id } = await publisher.publish('team.updated', data, { companyId });
    const [xmlReq] = await receiver.waitFor(1, '/arrays/xml', 10_000);
    const [ceReq] = await receiver.waitFor(1, '/arrays/ce-xml', 10_000);
    verified(xmlSub, xmlReq);

    const expectData = (fields: XmlElement) => {
      expect(textOf(fields.teamId)).toBe('team-1');
      expect(textOf(fields.name)).toBe('Payroll');
      const manager = childrenOf(fields.manager, '<manager>');
      expect(textOf(manager.id)).toBe('emp-7');
      expect(textOf(manager.email)).toBe('boss@example.com');
      expect(Array.isArray(fields.tags)).toBe(true);
      expect((fields.tags as Xml[]).map(textOf)).toEqual(['hr', 'paris', 'senior']);
      expect(Array.isArray(fields.members)).toBe(true);
      expect(
        (fields.members as Xml[]).map((m) => {
          const member = childrenOf(m, '<members>');
          return { name: textOf(member.name), role: textOf(member.role) };
        }),
      ).toEqual(data.members);
    };

    const xmlRoot = childrenOf(parseXml(xmlReq.text).event, '<event>');
    expect(textOf(xmlRoot.id)).toBe(id);
    expectData(childrenOf(xmlRoot.data, '<data>'));

    const ceRoot = childrenOf(parseXml(ceReq.text).event, '<event>');
    expect(textOf(ceRoot.id)).toBe(id);
    let ceFields = childrenOf(ceRoot.data, '<data>');
    if (!('teamId' in ceFields)) {
      expect(Object.keys(ceFields)).toHaveLength(1);
      ceFields = childrenOf(Object.values(ceFields)[0], '<data> child');
    }
    expectData(ceFields);
  });

  it('publishBatch: a batch subscription gets one request with every event, the others one each', async () => {
    const companyId = 'fmt-batch';
    const batchSub = await subscribe(companyId, '/batch/json', ['contract.signed'], {
      batch: true,
    });
    const ceSub = await subscribe(companyId, '/batch/ce', ['contract.signed'], {
      batch: true,
      format: 'cloudevents+json',
    });
    const singleSub = await subscribe(companyId, '/batch/single', ['contract.signed']);
    const events = [contractSigned(), contractSigned(), contractSigned()].map((data) => ({
      type: 'contract.signed',
      data,
    }));

    const published = await publisher.publishBatch(events, { companyId });
    expect(published).toHaveLength(3);
    const ids = published.map((p) => p.id);

    const singles = await receiver.waitFor(3, '/batch/single', 10_000);
    const [batchReq] = await receiver.waitFor(1, '/batch/json', 10_000);
    const [ceReq] = await receiver.waitFor(1, '/batch/ce', 10_000);
    // Give a stray extra request the time to show up.
    await sleep(750);
    expect(receiver.on('/batch/json')).toHaveLength(1);
    expect(receiver.on('/batch/ce')).toHaveLength(1);
    expect(receiver.on('/batch/single')).toHaveLength(3);

    // The plain subscriber: one request per event, each its own body.
    expect(singles.map((r) => r.headers['webhook-id']).sort()).toEqual([...ids].sort());
    for (const req of singles) {
      verified(singleSub, req);
      const body = JSON.parse(req.text) as JsonBody;
      expect(body.id).toBe(req.headers['webhook-id']);
      expect(body.data).toEqual(events[ids.indexOf(body.id)].data);
    }

    // json batch: a JSON array of the three event bodies.
    expect(batchReq.headers['content-type']).toMatch(/^application\/json\b/);
    verified(batchSub, batchReq);
    const batch = JSON.parse(batchReq.text) as JsonBody[];
    expect(Array.isArray(batch)).toBe(true);
    expect(batch).toHaveLength(3);
    expect(batch).toEqual(
      ids.map((id, i) => ({
        id,
        event: 'contract.signed',
        timestamp: expect.any(String),
        companyId,
        data: events[i].data,
      })),
    );

    // cloudevents+json batch: application/cloudevents-batch+json, three CloudEvents.
    expect(ceReq.headers['content-type']).toMatch(/^application\/cloudevents-batch\+json\b/);
    verified(ceSub, ceReq);
    const ces = HTTP.toEvent({ headers: ceReq.headers, body: ceReq.text }) as CloudEvent<unknown>[];
    expect(Array.isArray(ces)).toBe(true);
    expect(ces).toHaveLength(3);
    ces.forEach((ce, i) => {
      expect(ce.specversion).toBe('1.0');
      expect(ce.id).toBe(ids[i]);
      expect(ce.type).toBe('contract.signed');
      expect(ce.data).toEqual(events[i].data);
    });
  });
});
