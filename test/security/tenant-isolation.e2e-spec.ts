import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Response } from 'supertest';
import type { App } from 'supertest/types';
import { ALL_PERMISSIONS, DELIVERY_ENV, READ } from '../support/constants';
import { eventually, TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';

// Tenant isolation, swept over every operation of the OpenAPI document (GET /docs-json).
//
// Two companies, A and B, each get one of everything (subscriptions, a published event, its
// deliveries and attempts, candidates in several states, a signed and an unsigned contract, their
// employees, a training and a completion, a draft and a published job, an application with an
// interview and a sent offer). Then, for every operation of the document, company B
// (holding every permission) calls it with every id of A: the answer is 404, exactly the answer to
// an unknown id, and nothing changes (not A's records as A reads them, not one row of the
// database, not one request to a receiver). Lists and creations made by B never show anything of
// A, while the same lists show A its own records. Every answer B gets is searched for A's ids,
// secrets and company id.
//
// The table below says how to call each operation; the first test fails when the document has an
// operation the table does not know (or the other way round), so a new route cannot escape.

const UUID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every table of the app's schema; each row carries its company. */
const TABLES = {
  webhook_subscriptions: 'subscription',
  webhook_events: 'event',
  webhook_deliveries: 'delivery',
  webhook_attempts: 'attempt',
  hr_candidates: 'candidate',
  hr_employees: 'employee',
  hr_contracts: 'contract',
  hr_trainings: 'training',
  hr_training_completions: 'completion',
  hr_jobs: 'job',
  hr_job_applications: 'application',
  hr_interviews: 'interview',
  hr_offers: 'offer',
} as const;
type Table = keyof typeof TABLES;
type IdKind = (typeof TABLES)[Table];

/** One event published by both companies with the same Idempotency-Key and the same body. */
const SHARED_IDEMPOTENCY_KEY = 'payroll-export-2026-03';
const SHARED_EVENT = {
  type: 'contract.signed',
  data: {
    contractId: '6f1c1c7e-2b9d-4f43-9a43-0f8f1b1f3a01',
    employeeId: '2a0c5d1e-7b7e-4d8e-9f3b-1d2c3e4f5a6b',
    contractType: 'CDI',
    startDate: '2026-03-01',
  },
};
/** Candidate emails both companies use (emails are unique per company only). */
const SHARED_EMAILS = {
  hiredOpen: 'open.position@example.com',
  signed: 'signed.contract@example.com',
  unsigned: 'unsigned.contract@example.com',
};
const CONTRACT = { contractType: 'CDI', startDate: '2026-03-01' };
const HIRING_PATH = ['screening', 'interview', 'offer', 'hired'];
const JOB = {
  title: 'Développeuse backend',
  description: 'Paie : NestJS, PostgreSQL, webhooks.',
  location: 'Lyon',
  contractType: 'CDI',
  skills: ['TypeScript'],
};
const OFFER = { salary: 52000, startDate: '2026-09-01', contractType: 'CDI' };
/** An interview a few days ahead (interviews are scheduled in the future). */
const interviewAt = () => new Date(Date.now() + 3 * 86_400_000).toISOString();

/** A company and one of everything it owns. */
interface Tenant {
  company: string;
  /** Receiver paths of its subscriptions. */
  okPath: string;
  failPath: string;
  /** The receiver URL of its `*` subscription. */
  okUrl: string;
  /** Active, `*`, its receiver answers 200. */
  subscription: string;
  /** `contract.signed` only, its receiver answers 400: its deliveries are `failed`. */
  failingSubscription: string;
  secrets: string[];
  /** The event published with SHARED_IDEMPOTENCY_KEY. */
  publishedEvent: string;
  freshEmail: string;
  candidate: { fresh: string; hiredOpen: string; signed: string; unsigned: string };
  contract: { signed: string; unsigned: string };
  employee: { signed: string; unsigned: string };
  training: string;
  /** A draft and a published job; the fresh candidate's application to the latter (shortlisted). */
  job: { draft: string; published: string };
  application: string;
  interview: string;
  /** The application's offer, sent. */
  offer: string;
  /** Every id the company owns, by kind, read from the database once everything settled. */
  ids: Record<IdKind, string[]>;
  /** Attempt ids by subscription id. */
  attemptsBySubscription: Map<string, string[]>;
}

/** How to make one request: the operation's path parameters, query, body and headers. */
interface Case {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A call a company makes on its own records (or on none), never on the other's ids. */
interface OwnCall {
  name: string;
  call: (self: Tenant, other: Tenant) => Case;
  status: number;
  /** It creates records: made only as B (A's records must stay as they are). */
  creates?: boolean;
  /** Ids of `self` its answer must show: made as A too, to prove the search for A's ids bites. */
  shows?: (self: Tenant) => string[];
  /** It pages: A's `nextCursor` (from `limit: 1`) handed to B must not page through A's records. */
  pages?: boolean;
  /** Further checks of B's answer. */
  check?: (res: Response, self: Tenant, other: Tenant) => void;
}

interface Operation {
  /**
   * Calls by B naming A's ids (in the path or the body): each answers 404, exactly as the same call
   * with unknown ids does, and changes nothing.
   */
  foreign?: (a: Tenant, b: Tenant) => Case[];
  own?: OwnCall[];
  /** Needs no token (operations outside /api): called without one, it shows nothing of A. */
  public?: boolean;
}

const each = (ids: string[], make: (id: string) => Case): Case[] => ids.map(make);
const sinceAnHourAgo = () => new Date(Date.now() - 60 * 60 * 1000).toISOString();

/** Every operation of the OpenAPI document, keyed `METHOD path` as the document spells it. */
const OPERATIONS: Record<string, Operation> = {
  'GET /health': { public: true },
  'GET /metrics': { public: true },

  'GET /api/event-types': {
    own: [{ name: 'the catalog', call: () => ({}), status: 200 }],
  },
  'POST /api/events': {
    own: [
      {
        name: "the other company's Idempotency-Key and body answer the caller's own event",
        call: () => ({
          headers: { 'Idempotency-Key': SHARED_IDEMPOTENCY_KEY },
          body: SHARED_EVENT,
        }),
        status: 202,
        creates: true,
        check: (res, self) => expect(res.body).toEqual({ id: self.publishedEvent }),
      },
      {
        name: 'a new event goes to the caller’s subscriptions only',
        call: () => ({ body: { ...SHARED_EVENT, data: { ...SHARED_EVENT.data } } }),
        status: 202,
        creates: true,
      },
    ],
  },
  'POST /api/events/batch': {
    own: [
      {
        name: "the other company's key and body in a batch answer the caller's own event",
        call: () => ({
          body: { events: [{ ...SHARED_EVENT, idempotencyKey: SHARED_IDEMPOTENCY_KEY }] },
        }),
        status: 202,
        creates: true,
        check: (res, self) => expect(res.body).toEqual({ ids: [self.publishedEvent] }),
      },
      {
        name: 'new events go to the caller’s subscriptions only',
        call: () => ({ body: { events: [SHARED_EVENT, SHARED_EVENT] } }),
        status: 202,
        creates: true,
      },
    ],
  },

  'POST /api/webhooks': {
    own: [
      {
        name: 'a new subscription',
        call: (self) => ({
          body: { url: `${self.okUrl.replace('/ok', '/extra')}`, events: ['candidate.*'] },
        }),
        status: 201,
        creates: true,
      },
    ],
  },
  'GET /api/webhooks': {
    own: [
      {
        name: 'the list',
        call: () => ({ query: { limit: 100 } }),
        status: 200,
        shows: (self) => [self.subscription, self.failingSubscription],
        pages: true,
      },
    ],
  },
  'GET /api/webhooks/{id}': {
    foreign: (a) => each(a.ids.subscription, (id) => ({ params: { id } })),
  },
  'PATCH /api/webhooks/{id}': {
    foreign: (a) =>
      each(a.ids.subscription, (id) => ({
        params: { id },
        body: { description: 'taken over', isActive: false, events: ['*'] },
      })),
  },
  'DELETE /api/webhooks/{id}': {
    foreign: (a) => each(a.ids.subscription, (id) => ({ params: { id } })),
  },
  'GET /api/webhooks/{id}/secret': {
    foreign: (a) => each(a.ids.subscription, (id) => ({ params: { id } })),
  },
  'POST /api/webhooks/{id}/secret/rotate': {
    foreign: (a) => each(a.ids.subscription, (id) => ({ params: { id } })),
  },
  'POST /api/webhooks/{id}/test': {
    foreign: (a) => each(a.ids.subscription, (id) => ({ params: { id } })),
  },
  'GET /api/webhooks/{id}/logs': {
    foreign: (a) =>
      a.ids.subscription.flatMap((id): Case[] => [
        { params: { id }, query: { limit: 100 } },
        { params: { id }, query: { limit: 100, status: 'failed', eventType: 'contract.signed' } },
      ]),
    own: [
      {
        name: 'the logs of its own failing subscription',
        call: (self) => ({ params: { id: self.failingSubscription }, query: { limit: 100 } }),
        status: 200,
        shows: (self) => self.attemptsBySubscription.get(self.failingSubscription) ?? [],
        pages: true,
      },
    ],
  },
  'GET /api/webhooks/{id}/stats': {
    foreign: (a) => each(a.ids.subscription, (id) => ({ params: { id } })),
  },
  'GET /api/deliveries/stats': {
    foreign: (a) => each(a.ids.subscription, (subscriptionId) => ({ query: { subscriptionId } })),
    own: [
      {
        name: "the company's attempts a minute",
        call: () => ({}),
        status: 200,
        check: (res) => {
          const { buckets } = res.body as { buckets: { succeeded: number; failed: number }[] };
          expect(buckets).toHaveLength(61);
          // At least B's own 29 first attempts (the sweep's publishes add more).
          const total = buckets.reduce((n, b) => n + b.succeeded + b.failed, 0);
          expect(total).toBeGreaterThanOrEqual(29);
        },
      },
    ],
  },
  'POST /api/webhooks/{id}/recover': {
    foreign: (a) =>
      each(a.ids.subscription, (id) => ({ params: { id }, body: { since: sinceAnHourAgo() } })),
  },

  'POST /api/portal/sessions': {
    own: [
      {
        name: "a portal session for the caller's company only",
        call: () => ({ body: { expiresInMinutes: 5 } }),
        status: 201,
        check: (res, self) => {
          const { token } = res.body as { token: string };
          const claims = JSON.parse(
            Buffer.from(token.split('.')[1], 'base64url').toString('utf8'),
          ) as { companyId: string };
          expect(claims.companyId).toBe(self.company);
        },
      },
    ],
  },

  'GET /api/deliveries/{id}': {
    foreign: (a) => each(a.ids.delivery, (id) => ({ params: { id } })),
  },
  'POST /api/deliveries/{id}/retry': {
    foreign: (a) => each(a.ids.delivery, (id) => ({ params: { id } })),
  },

  'POST /api/candidates': {
    own: [
      {
        name: 'a candidate with an email only the other company uses',
        call: (_self, other) => ({
          body: { firstName: 'Camille', lastName: 'Durand', email: other.freshEmail },
        }),
        status: 201,
        creates: true,
      },
    ],
  },
  'GET /api/candidates': {
    own: [
      {
        name: 'the list',
        call: () => ({ query: { limit: 100 } }),
        status: 200,
        shows: (self) => Object.values(self.candidate),
        pages: true,
      },
    ],
  },
  'GET /api/candidates/{id}': {
    foreign: (a) => each(a.ids.candidate, (id) => ({ params: { id } })),
  },
  'PATCH /api/candidates/{id}/status': {
    foreign: (a) =>
      a.ids.candidate.flatMap((id) => [
        { params: { id }, body: { status: 'rejected' } },
        { params: { id }, body: { status: 'screening' } },
      ]),
  },

  'PATCH /api/candidates/{id}': {
    foreign: (a) =>
      each(a.ids.candidate, (id) => ({
        params: { id },
        body: { lastName: 'Taken', phone: '+33 6 00 00 00 00', skills: ['SQL'] },
      })),
  },

  'POST /api/jobs': {
    own: [{ name: 'a draft job', call: () => ({ body: JOB }), status: 201, creates: true }],
  },
  'GET /api/jobs': {
    own: [
      {
        name: 'the list',
        call: () => ({ query: { limit: 100 } }),
        status: 200,
        shows: (self) => Object.values(self.job),
        pages: true,
      },
    ],
  },
  'GET /api/jobs/{id}': {
    foreign: (a) => each(a.ids.job, (id) => ({ params: { id } })),
  },
  'POST /api/jobs/{id}/publish': {
    foreign: (a) => each(a.ids.job, (id) => ({ params: { id } })),
  },
  'POST /api/jobs/{id}/close': {
    foreign: (a) => each(a.ids.job, (id) => ({ params: { id }, body: { reason: 'cancelled' } })),
  },
  'POST /api/jobs/{id}/applications': {
    foreign: (a, b) => [
      // A's job, B's own candidate.
      ...each(a.ids.job, (id) => ({
        params: { id },
        body: { candidateId: b.candidate.hiredOpen },
      })),
      // B's own published job, each of A's candidates.
      ...each(a.ids.candidate, (candidateId) => ({
        params: { id: b.job.published },
        body: { candidateId },
      })),
    ],
  },
  'GET /api/jobs/{id}/applications': {
    foreign: (a) => each(a.ids.job, (id) => ({ params: { id }, query: { limit: 100 } })),
    own: [
      {
        name: "its own job's applications",
        call: (self) => ({ params: { id: self.job.published }, query: { limit: 100 } }),
        status: 200,
        shows: (self) => [self.application],
      },
    ],
  },
  'GET /api/applications/{id}': {
    foreign: (a) => each(a.ids.application, (id) => ({ params: { id } })),
  },
  'PATCH /api/applications/{id}/status': {
    foreign: (a) =>
      each(a.ids.application, (id) => ({ params: { id }, body: { status: 'rejected' } })),
  },
  'POST /api/applications/{id}/interviews': {
    foreign: (a) =>
      each(a.ids.application, (id) => ({
        params: { id },
        body: { scheduledAt: interviewAt(), kind: 'phone', interviewers: ['Claire Dubois'] },
      })),
  },
  'POST /api/applications/{id}/offers': {
    foreign: (a) => each(a.ids.application, (id) => ({ params: { id }, body: OFFER })),
  },
  'GET /api/interviews/{id}': {
    foreign: (a) => each(a.ids.interview, (id) => ({ params: { id } })),
  },
  'POST /api/interviews/{id}/reschedule': {
    foreign: (a) =>
      each(a.ids.interview, (id) => ({ params: { id }, body: { scheduledAt: interviewAt() } })),
  },
  'GET /api/offers/{id}': {
    foreign: (a) => each(a.ids.offer, (id) => ({ params: { id } })),
  },
  'POST /api/offers/{id}/send': {
    foreign: (a) => each(a.ids.offer, (id) => ({ params: { id } })),
  },
  'POST /api/offers/{id}/accept': {
    foreign: (a) => each(a.ids.offer, (id) => ({ params: { id } })),
  },

  'POST /api/contracts': {
    foreign: (a) =>
      each(a.ids.candidate, (candidateId) => ({ body: { candidateId, ...CONTRACT } })),
  },
  'GET /api/contracts/{id}': {
    foreign: (a) => each(a.ids.contract, (id) => ({ params: { id } })),
  },
  'POST /api/contracts/{id}/sign': {
    foreign: (a) => each(a.ids.contract, (id) => ({ params: { id } })),
  },

  'GET /api/employees/{id}': {
    foreign: (a) => each(a.ids.employee, (id) => ({ params: { id } })),
  },
  'POST /api/employees/{id}/termination': {
    foreign: (a) =>
      each(a.ids.employee, (id) => ({
        params: { id },
        body: { terminationDate: '2026-06-30', reason: 'RESIGNATION' },
      })),
  },

  'POST /api/trainings': {
    own: [
      {
        name: 'a training',
        call: () => ({ body: { title: 'Habilitation électrique', cpfEligible: true } }),
        status: 201,
        creates: true,
      },
    ],
  },
  'GET /api/trainings/{id}': {
    foreign: (a) => each(a.ids.training, (id) => ({ params: { id } })),
  },
  'POST /api/trainings/{id}/completions': {
    foreign: (a, b) => [
      // A's training, B's own employee.
      ...each(a.ids.training, (id) => ({
        params: { id },
        body: { employeeId: b.employee.signed, cpfHours: 7 },
      })),
      // B's own training, each of A's employees.
      ...each(a.ids.employee, (employeeId) => ({
        params: { id: b.training },
        body: { employeeId, cpfHours: 7 },
      })),
      // A's training and A's employee.
      ...a.ids.training.flatMap((id) =>
        each(a.ids.employee, (employeeId) => ({
          params: { id },
          body: { employeeId, cpfHours: 7 },
        })),
      ),
    ],
  },
};

interface OpenApiParameter {
  name: string;
  in: string;
}
type OpenApiPathItem = Record<string, { parameters?: OpenApiParameter[] } | undefined>;
interface OpenApiDocument {
  paths: Record<string, OpenApiPathItem>;
}

/** The operations of the document: `METHOD path` to its path and query parameter names. */
function operationsOf(document: OpenApiDocument): Map<string, { path: string[]; query: string[] }> {
  const operations = new Map<string, { path: string[]; query: string[] }>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = operation.parameters ?? [];
      operations.set(`${method.toUpperCase()} ${path}`, {
        path: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
  return operations;
}

function splitKey(key: string): { method: string; path: string } {
  const [method, path] = key.split(' ');
  return { method: method.toLowerCase(), path };
}

function urlOf(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}

/** The same case with every one of the given ids replaced by a fresh unknown UUID. */
function withUnknownIds(c: Case, ids: Set<string>): Case {
  const replacements = new Map<string, string>();
  const json = JSON.stringify(c).replace(UUID_PATTERN, (id) => {
    if (!ids.has(id)) return id;
    const replacement = replacements.get(id) ?? randomUUID();
    replacements.set(id, replacement);
    return replacement;
  });
  return JSON.parse(json) as Case;
}

/** The answer with every UUID blanked out, to compare answers about different ids. */
function shapeOf(res: Response): string {
  return `${res.status} ${res.text.replace(UUID_PATTERN, '<id>')}`;
}

function describeResponse(res: Response): string {
  return `${res.status} ${res.text.length > 400 ? `${res.text.slice(0, 400)}...` : res.text}`;
}

describe('tenant isolation, swept over every operation of the OpenAPI document', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;
  let document: OpenApiDocument;
  let a: Tenant;
  let b: Tenant;
  /** Everything of A that B must never see: every id, every secret, the company id. */
  let forbidden: string[];
  /** A's ids, to tell them apart from any other UUID. */
  let idsOfA: Set<string>;
  /** Each readable record of A: the GETs that show it and what they answered before the sweep. */
  let baselineOfA: Map<string, Map<string, string>>;
  /** Requests to A's receiver paths before the sweep. */
  let receivedByA: number;

  const auth = (company: string, permissions = ALL_PERMISSIONS) => ({
    Authorization: `Bearer ${t.token(company, permissions)}`,
  });

  async function send(
    key: string,
    company: string | null,
    c: Case,
    permissions = ALL_PERMISSIONS,
  ): Promise<Response> {
    const { method, path } = splitKey(key);
    const url = urlOf(path, c.params);
    const agent = request(server);
    let req;
    switch (method) {
      case 'get':
        req = agent.get(url);
        break;
      case 'post':
        req = agent.post(url);
        break;
      case 'patch':
        req = agent.patch(url);
        break;
      case 'put':
        req = agent.put(url);
        break;
      case 'delete':
        req = agent.delete(url);
        break;
      default:
        throw new Error(`no way to send ${key}`);
    }
    if (company) req = req.set(auth(company, permissions));
    if (c.headers) req = req.set(c.headers);
    if (c.query) req = req.query(c.query);
    return c.body === undefined ? req : req.send(c.body);
  }

  /**
   * A call by B (or by nobody, for public operations): answers the response and the names of A's
   * secrets or ids it shows that B did not send itself (an id echoed back in "delivery X was not
   * found" tells B nothing).
   */
  async function asB(key: string, c: Case, anonymous = false, permissions = ALL_PERMISSIONS) {
    const res = await send(key, anonymous ? null : b.company, c, permissions);
    const sent = JSON.stringify(c);
    const seen = `${JSON.stringify(res.headers)} ${res.text}`;
    const leaked = forbidden.filter((value) => seen.includes(value) && !sent.includes(value));
    return { res, leaked };
  }

  async function create<T>(company: string, path: string, body: unknown, status = 201) {
    const req = request(server).post(path).set(auth(company));
    const res = body === undefined ? await req : await req.send(body as object);
    if (res.status !== status) {
      throw new Error(
        `POST ${path} as ${company}: expected ${status}, got ${describeResponse(res)}`,
      );
    }
    return res.body as T;
  }

  async function patch(company: string, path: string, body: object) {
    const res = await request(server).patch(path).set(auth(company)).send(body);
    if (res.status !== 200) throw new Error(`PATCH ${path}: ${describeResponse(res)}`);
  }

  async function candidate(company: string, email: string, path: string[]): Promise<string> {
    const { id } = await create<{ id: string }>(company, '/api/candidates', {
      firstName: 'Léa',
      lastName: 'Martin',
      email,
    });
    for (const status of path) await patch(company, `/api/candidates/${id}/status`, { status });
    return id;
  }

  async function contract(company: string, candidateId: string, signed: boolean) {
    const answer = await create<{ id: string; employeeId: string }>(company, '/api/contracts', {
      candidateId,
      ...CONTRACT,
    });
    if (signed) await create(company, `/api/contracts/${answer.id}/sign`, undefined, 200);
    return answer;
  }

  /** No delivery of any company is waiting or being sent. */
  async function quiet(): Promise<void> {
    await eventually(
      async () => {
        const [{ n }] = await t.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status IN ('pending', 'sending')`,
        );
        return n === 0;
      },
      15_000,
      50,
    );
  }

  /** Every row of every table (or of one company's rows), as one comparable value per table. */
  async function fingerprint(company?: string): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const table of Object.keys(TABLES)) {
      const [row] = await t.dataSource.query<{ n: number; digest: string | null }[]>(
        `SELECT count(*)::int AS n, md5(string_agg(r::text, '|' ORDER BY r.id)) AS digest
         FROM ${table} r ${company ? 'WHERE r.company_id = $1' : ''}`,
        company ? [company] : [],
      );
      result[table] = `${row.n} rows, ${row.digest ?? '-'}`;
    }
    return result;
  }

  async function idsOf(company: string): Promise<Record<IdKind, string[]>> {
    const ids = {} as Record<IdKind, string[]>;
    for (const [table, kind] of Object.entries(TABLES) as [Table, IdKind][]) {
      const rows = await t.dataSource.query<{ id: string }[]>(
        `SELECT id FROM ${table} WHERE company_id = $1 ORDER BY created_at, id`,
        [company],
      );
      ids[kind] = rows.map((r) => r.id);
    }
    return ids;
  }

  async function populate(label: string): Promise<Tenant> {
    const company = `tenant-${label}-${randomBytes(4).toString('hex')}`;
    const okPath = `/${company}/ok`;
    const failPath = `/${company}/fail`;
    receiver.script(failPath, ...Array.from({ length: 20 }, () => ({ status: 400, body: 'no' })));
    const ok = await create<{ id: string; secret: string }>(company, '/api/webhooks', {
      url: receiver.url(okPath),
      events: ['*'],
      description: `${label} payroll`,
    });
    const failing = await create<{ id: string; secret: string }>(company, '/api/webhooks', {
      url: receiver.url(failPath),
      events: ['contract.signed'],
      maxRetryCount: 0,
    });
    const res = await request(server)
      .post('/api/events')
      .set(auth(company))
      .set('Idempotency-Key', SHARED_IDEMPOTENCY_KEY)
      .send(SHARED_EVENT);
    if (res.status !== 202) throw new Error(`publish: ${describeResponse(res)}`);
    const publishedEvent = (res.body as { id: string }).id;

    const freshEmail = `fresh.${label}@example.com`;
    const fresh = await candidate(company, freshEmail, []);
    const hiredOpen = await candidate(company, SHARED_EMAILS.hiredOpen, HIRING_PATH);
    const signedCandidate = await candidate(company, SHARED_EMAILS.signed, HIRING_PATH);
    const unsignedCandidate = await candidate(company, SHARED_EMAILS.unsigned, HIRING_PATH);
    const signed = await contract(company, signedCandidate, true);
    const unsigned = await contract(company, unsignedCandidate, false);
    const training = await create<{ id: string }>(company, '/api/trainings', {
      title: 'Excel avancé',
      cpfEligible: true,
    });
    await create(company, `/api/trainings/${training.id}/completions`, {
      employeeId: signed.employeeId,
      cpfHours: 14,
    });
    const draftJob = await create<{ id: string }>(company, '/api/jobs', JOB);
    const publishedJob = await create<{ id: string }>(company, '/api/jobs', JOB);
    await create(company, `/api/jobs/${publishedJob.id}/publish`, undefined, 200);
    const application = await create<{ id: string }>(
      company,
      `/api/jobs/${publishedJob.id}/applications`,
      { candidateId: fresh },
    );
    for (const status of ['reviewed', 'shortlisted']) {
      await patch(company, `/api/applications/${application.id}/status`, { status });
    }
    const interview = await create<{ id: string }>(
      company,
      `/api/applications/${application.id}/interviews`,
      { scheduledAt: interviewAt(), kind: 'video', interviewers: ['Claire Dubois'] },
    );
    const offer = await create<{ id: string }>(
      company,
      `/api/applications/${application.id}/offers`,
      OFFER,
    );
    await create(company, `/api/offers/${offer.id}/send`, undefined, 200);
    return {
      company,
      okPath,
      failPath,
      okUrl: receiver.url(okPath),
      subscription: ok.id,
      failingSubscription: failing.id,
      secrets: [ok.secret, failing.secret],
      publishedEvent,
      freshEmail,
      candidate: {
        fresh,
        hiredOpen,
        signed: signedCandidate,
        unsigned: unsignedCandidate,
      },
      contract: { signed: signed.id, unsigned: unsigned.id },
      employee: { signed: signed.employeeId, unsigned: unsigned.employeeId },
      training: training.id,
      job: { draft: draftJob.id, published: publishedJob.id },
      application: application.id,
      interview: interview.id,
      offer: offer.id,
      ids: {} as Record<IdKind, string[]>,
      attemptsBySubscription: new Map(),
    };
  }

  /** Reads the ids the company owns once its deliveries are done. */
  async function settle(tenant: Tenant): Promise<void> {
    tenant.ids = await idsOf(tenant.company);
    const attempts = await t.dataSource.query<{ id: string; subscription_id: string }[]>(
      `SELECT id, subscription_id FROM webhook_attempts WHERE company_id = $1`,
      [tenant.company],
    );
    for (const { id, subscription_id } of attempts) {
      const list = tenant.attemptsBySubscription.get(subscription_id) ?? [];
      list.push(id);
      tenant.attemptsBySubscription.set(subscription_id, list);
    }
    const secrets = await Promise.all(
      tenant.ids.subscription.map(
        async (id) =>
          (
            (await request(server).get(`/api/webhooks/${id}/secret`).set(auth(tenant.company)))
              .body as { secret: string }
          ).secret,
      ),
    );
    tenant.secrets = [...new Set([...tenant.secrets, ...secrets])];
  }

  /** The GETs that show A's record with this id. */
  function readersOf(tenant: Tenant, id: string): string[] {
    if (tenant.ids.subscription.includes(id)) {
      return [
        `/api/webhooks/${id}`,
        `/api/webhooks/${id}/secret`,
        `/api/webhooks/${id}/logs?limit=100`,
      ];
    }
    if (tenant.ids.delivery.includes(id)) return [`/api/deliveries/${id}`];
    if (tenant.ids.candidate.includes(id)) return [`/api/candidates/${id}`];
    if (tenant.ids.contract.includes(id)) return [`/api/contracts/${id}`];
    if (tenant.ids.employee.includes(id)) return [`/api/employees/${id}`];
    if (tenant.ids.training.includes(id)) return [`/api/trainings/${id}`];
    if (tenant.ids.job.includes(id)) return [`/api/jobs/${id}`, `/api/jobs/${id}/applications`];
    if (tenant.ids.application.includes(id)) return [`/api/applications/${id}`];
    if (tenant.ids.interview.includes(id)) return [`/api/interviews/${id}`];
    if (tenant.ids.offer.includes(id)) return [`/api/offers/${id}`];
    return [];
  }

  async function readAsA(id: string): Promise<Map<string, string>> {
    const answers = new Map<string, string>();
    for (const path of readersOf(a, id)) {
      const res = await request(server).get(path).set(auth(a.company));
      answers.set(path, `${res.status} ${res.text}`);
    }
    return answers;
  }

  const receivedByAPaths = () => receiver.on(a.okPath).length + receiver.on(a.failPath).length;

  beforeAll(async () => {
    t = await createTestApp({ ...DELIVERY_ENV, API_RATE_LIMIT: '0' });
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;

    const docs = await request(server).get('/docs-json');
    expect(docs.status).toBe(200);
    document = docs.body as OpenApiDocument;

    a = await populate('a');
    b = await populate('b');
    await quiet();
    await settle(a);
    await settle(b);
    // Every delivery is done: the `*` subscription's succeeded, the failing one's failed.
    const statuses = await t.dataSource.query<{ status: string; subscription_id: string }[]>(
      `SELECT status, subscription_id FROM webhook_deliveries WHERE company_id = $1`,
      [a.company],
    );
    expect(statuses.filter((d) => d.subscription_id === a.failingSubscription)).toEqual([
      { status: 'failed', subscription_id: a.failingSubscription },
      { status: 'failed', subscription_id: a.failingSubscription },
    ]);
    expect(
      statuses
        .filter((d) => d.subscription_id === a.subscription)
        .every((d) => d.status === 'succeeded'),
    ).toBe(true);

    idsOfA = new Set(Object.values(a.ids).flat());
    forbidden = [...idsOfA, ...a.secrets, a.company];
    baselineOfA = new Map();
    for (const id of idsOfA) baselineOfA.set(id, await readAsA(id));
    for (const answers of baselineOfA.values()) {
      for (const [path, answer] of answers) {
        if (!answer.startsWith('200 ')) throw new Error(`A cannot read ${path}: ${answer}`);
      }
    }
    receivedByA = receivedByAPaths();
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('both companies own one of everything', () => {
    for (const tenant of [a, b]) {
      expect({
        subscriptions: tenant.ids.subscription.length,
        candidates: tenant.ids.candidate.length,
        contracts: tenant.ids.contract.length,
        employees: tenant.ids.employee.length,
        trainings: tenant.ids.training.length,
        completions: tenant.ids.completion.length,
        jobs: tenant.ids.job.length,
        applications: tenant.ids.application.length,
        interviews: tenant.ids.interview.length,
        offers: tenant.ids.offer.length,
      }).toEqual({
        subscriptions: 2,
        candidates: 4,
        contracts: 2,
        employees: 2,
        trainings: 1,
        completions: 1,
        jobs: 2,
        applications: 1,
        interviews: 1,
        offers: 1,
      });
      // 27 events: 1 published, 4 candidate.created, 12 status changes, 1 contract.signed, 1
      // training.completed, job.published and job_posting.published, application.submitted, 2
      // application.reviewed, candidate.matched, interview.scheduled, offer.sent; each to the `*`
      // subscription, the contract.signed ones to the other.
      expect(tenant.ids.event).toHaveLength(27);
      expect(tenant.ids.delivery).toHaveLength(29);
      expect(tenant.ids.attempt).toHaveLength(29);
    }
  });

  it('the table names every operation of the OpenAPI document, and nothing else', () => {
    const documented = operationsOf(document);
    const missing = [...documented.keys()].filter((key) => !(key in OPERATIONS));
    const extra = Object.keys(OPERATIONS).filter((key) => !documented.has(key));
    expect({ 'operations of /docs-json missing from the table': missing }).toEqual({
      'operations of /docs-json missing from the table': [],
    });
    expect({ 'operations in the table but not in /docs-json': extra }).toEqual({
      'operations in the table but not in /docs-json': [],
    });
    // The table fills exactly the documented path parameters, and only documented query ones.
    const mismatched: string[] = [];
    for (const [key, operation] of Object.entries(OPERATIONS)) {
      const parameters = documented.get(key);
      if (!parameters) continue;
      const cases = [
        ...(operation.foreign?.(a, b) ?? []),
        ...(operation.own ?? []).map((own) => own.call(b, a)),
      ];
      for (const c of cases) {
        const filled = Object.keys(c.params ?? {}).sort();
        if (JSON.stringify(filled) !== JSON.stringify([...parameters.path].sort())) {
          mismatched.push(`${key}: fills {${filled.join(', ')}}`);
        }
        const unknown = Object.keys(c.query ?? {}).filter((q) => !parameters.query.includes(q));
        if (unknown.length) mismatched.push(`${key}: undocumented query ${unknown.join(', ')}`);
      }
      // Every operation with a path parameter is swept with the other company's ids.
      if (parameters.path.length > 0 && !operation.foreign) {
        mismatched.push(`${key}: has path parameters but no foreign cases`);
      }
      if (!operation.foreign && !operation.own && !operation.public) {
        mismatched.push(`${key}: no way to call it`);
      }
    }
    expect(mismatched).toEqual([]);
  });

  describe.each(Object.keys(OPERATIONS))('%s', (key) => {
    const operation = OPERATIONS[key];

    if (operation.foreign) {
      const foreign = operation.foreign;
      it('answers 404 to every id of the other company, as to an unknown id, and changes nothing', async () => {
        const cases = foreign(a, b);
        expect(cases.length).toBeGreaterThan(0);
        const problems: string[] = [];
        for (const c of cases) {
          const label = `${key} ${JSON.stringify(c)}`;
          const named = [...new Set(JSON.stringify(c).match(UUID_PATTERN) ?? [])].filter((id) =>
            idsOfA.has(id),
          );
          expect(named.length).toBeGreaterThan(0);
          await quiet();
          const before = await fingerprint();
          const receivedBefore = receiver.requests.length;

          const unknown = await asB(key, withUnknownIds(c, idsOfA));
          const answer = await asB(key, c);

          if (unknown.res.status !== 404) {
            problems.push(
              `${label} with unknown ids instead: expected 404, got ${describeResponse(unknown.res)}`,
            );
          }
          if (answer.res.status !== 404) {
            problems.push(`${label}: expected 404, got ${describeResponse(answer.res)}`);
          } else if (shapeOf(answer.res) !== shapeOf(unknown.res)) {
            problems.push(
              `${label}: answers ${describeResponse(answer.res)}, but an unknown id answers ${describeResponse(unknown.res)}`,
            );
          }
          for (const { res, leaked } of [answer, unknown]) {
            if (leaked.length) {
              problems.push(
                `${label}: the answer shows A's ${leaked.join(', ')}: ${describeResponse(res)}`,
              );
            }
          }
          const after = await fingerprint();
          if (JSON.stringify(after) !== JSON.stringify(before)) {
            const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
            problems.push(`${label}: changed rows of ${changed.join(', ')}`);
          }
          if (receiver.requests.length !== receivedBefore) {
            problems.push(
              `${label}: ${receiver.requests.length - receivedBefore} requests reached a receiver`,
            );
          }
          for (const id of named) {
            const now = await readAsA(id);
            for (const [path, was] of baselineOfA.get(id) ?? []) {
              if (now.get(path) !== was) {
                problems.push(`${label}: A's GET ${path} was ${was}, now ${now.get(path)}`);
              }
            }
          }
        }
        expect(problems).toEqual([]);
      });
    }

    for (const own of operation.own ?? []) {
      it(`${own.name}: never shows the other company's records${own.shows ? ', while showing the company its own' : ''}`, async () => {
        await quiet();
        const beforeAll = await fingerprint();
        const beforeA = await fingerprint(a.company);

        const { res, leaked } = await asB(key, own.call(b, a));
        expect(leaked).toEqual([]);
        if (res.status !== own.status) {
          throw new Error(`expected ${own.status}, got ${describeResponse(res)}`);
        }
        own.check?.(res, b, a);
        if (own.shows) {
          const shown = own.shows(b);
          expect(shown.length).toBeGreaterThan(0);
          for (const id of shown) expect(res.text).toContain(id);
        }

        await quiet();
        if (own.creates) {
          expect(await fingerprint(a.company)).toEqual(beforeA);
        } else {
          expect(await fingerprint()).toEqual(beforeAll);
        }
        expect(receivedByAPaths()).toBe(receivedByA);

        if (!own.creates) {
          // The same call as A shows A's records: the search for them in B's answers bites.
          const mine = await send(key, a.company, own.call(a, b));
          expect(mine.status).toBe(own.status);
          for (const id of own.shows?.(a) ?? []) expect(mine.text).toContain(id);
        }
        if (own.pages) {
          const first = await send(key, a.company, {
            ...own.call(a, b),
            query: { ...own.call(a, b).query, limit: 1 },
          });
          expect(first.status).toBe(200);
          const { nextCursor } = first.body as { nextCursor: string | null };
          expect(typeof nextCursor).toBe('string');
          const c = own.call(b, a);
          const paged = await asB(key, { ...c, query: { ...c.query, cursor: String(nextCursor) } });
          expect(leaked).toEqual([]);
          expect(paged.leaked).toEqual([]);
          // A cursor issued to the other company is not one of the caller's: 400 (or, at most, a
          // page of the caller's own records).
          expect([200, 400]).toContain(paged.res.status);
        }
      });
    }

    if (operation.public) {
      it('needs no token and shows nothing of either company', async () => {
        const { res, leaked } = await asB(key, {}, true);
        expect(res.status).toBe(200);
        expect(leaked).toEqual([]);
      });
    }
  });

  // CONTRACT.md: every GET of /api/webhooks/**, /api/deliveries/** and /api/event-types but the
  // secret also accepts system.webhooks.read; with it alone every other route is 403, before any
  // id is looked up (another company's ids and unknown ones alike) and before the body is read.
  describe('with system.webhooks.read alone', () => {
    const readable = (key: string): boolean => {
      const { method, path } = splitKey(key);
      return (
        method === 'get' &&
        /^\/api\/(webhooks|deliveries|event-types)(\/|$)/.test(path) &&
        !path.endsWith('/secret')
      );
    };

    it.each(Object.keys(OPERATIONS).filter((key) => !OPERATIONS[key].public))('%s', async (key) => {
      const operation = OPERATIONS[key];
      await quiet();
      const before = await fingerprint();
      const receivedBefore = receiver.requests.length;
      const problems: string[] = [];
      const calls: { c: Case; status: number }[] = [
        ...(operation.foreign?.(a, b) ?? []).flatMap((c) => [
          { c, status: 404 },
          { c: withUnknownIds(c, idsOfA), status: 404 },
        ]),
        ...(operation.own ?? []).map((own) => ({ c: own.call(b, a), status: own.status })),
      ];
      expect(calls.length).toBeGreaterThan(0);
      for (const { c, status } of calls) {
        const expected = readable(key) ? status : 403;
        const { res, leaked } = await asB(key, c, false, [READ]);
        const label = `${key} ${JSON.stringify(c)}`;
        if (res.status !== expected) {
          problems.push(`${label}: expected ${expected}, got ${describeResponse(res)}`);
        }
        if (leaked.length) problems.push(`${label}: shows A's ${leaked.join(', ')}`);
      }
      expect(problems).toEqual([]);
      await quiet();
      expect(await fingerprint()).toEqual(before);
      expect(receiver.requests.length).toBe(receivedBefore);
    });
  });

  it("the other company's endpoints received nothing during the sweep", async () => {
    await quiet();
    expect(receivedByAPaths()).toBe(receivedByA);
    // And A still owns exactly what it owned.
    expect(await idsOf(a.company)).toEqual(a.ids);
  });
});
