import request from 'supertest';
import type { Response } from 'supertest';
import { Webhook } from 'standardwebhooks';
import { type AppFixture, useAppFixture } from '../support/app-fixture';
import {
  DELIVERY_ENV,
  DELIVERY_PERMISSIONS,
  HR,
  ISO_DATE_TIME,
  MANAGE,
  QUIET_MS,
} from '../support/constants';
import { eventually } from '../support/receiver';
import { sleep } from '../support/time';

// The HR e2e specs' helpers, on the app fixture (the app with delivery allowed to the local
// receiver): per-company `*` subscriptions, and checks on stored and delivered events.

/** Every permission but HR's. */
export const NOT_HR = DELIVERY_PERMISSIONS;

export type CandidateStatus = 'new' | 'screening' | 'interview' | 'offer' | 'hired' | 'rejected';
export const HIRING_PATH: CandidateStatus[] = ['screening', 'interview', 'offer', 'hired'];

export type ContractBody = { contractType: string; startDate: string; endDate?: string };
export const CDI: ContractBody = { contractType: 'CDI', startDate: '2026-03-01' };

export interface Employee {
  employeeId: string;
  contractId: string;
}
export interface Delivered {
  id: string;
  event: string;
  timestamp: string;
  companyId: string;
  data: Record<string, unknown>;
}
/** A company whose `*` subscription points at its own path on the receiver. */
export interface Tenant {
  company: string;
  path: string;
  secret: string;
}

export function describeResponse(res: Response): string {
  return `${res.status} ${res.request.method} ${res.request.url}: ${JSON.stringify(res.body)}`;
}
/** Asserts the status (showing the answer when it differs) and returns the body. */
export function expectStatus<T = Record<string, unknown>>(res: Response, status: number): T {
  if (res.status !== status) throw new Error(`expected ${status}, got ${describeResponse(res)}`);
  return res.body as T;
}
export function messageOf(res: Response): string {
  const { message } = res.body as { message?: unknown };
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : JSON.stringify(res.body);
}
/** 400 whose message names the field. */
export function expectBadRequest(res: Response, field: string): void {
  expectStatus(res, 400);
  expect(messageOf(res)).toMatch(new RegExp(`\\b${field}\\b`));
}

/** The app fixture, its `auth` granting HR unless told otherwise, and the HR helpers. */
export interface HrHarness extends AppFixture {
  /** The next value of the spec's counter, used for unique company names and emails. */
  nextSequence(): number;
  /** A unique email address, `label.N.pid@example.com`. */
  uniqueEmail(label?: string): string;
  tenant(label: string): Promise<Tenant>;
  eventIds(company: string): Promise<Set<string>>;
  eventCount(company: string): Promise<number>;
  /** Runs the action and asserts it stored no event for the company. */
  emitsNothing(company: string, action: () => Promise<void>): Promise<void>;
  /** Waits until every stored event of the tenant reached the receiver. */
  settle(tenant: Tenant): Promise<void>;
  /** The failing requests store nothing and the receiver gets nothing within QUIET_MS. */
  expectSilent(tenant: Tenant, actions: () => Promise<void>): Promise<void>;
  /**
   * Exactly one event of `type` was stored since `before`, with exactly `data`; its delivery
   * carries `webhook-id` = the event id, verifies with standardwebhooks, and has exactly the payload.
   */
  expectDelivered(
    tenant: Tenant,
    before: Set<string>,
    type: string,
    data: Record<string, unknown>,
  ): Promise<Delivered>;
  /** A new candidate moved along the life cycle to `status`; answers its id. */
  candidateIn(company: string, status: CandidateStatus): Promise<string>;
  /** A hired candidate with a contract (signed unless told otherwise). */
  hireEmployee(company: string, contract?: ContractBody, signed?: boolean): Promise<Employee>;
}

/**
 * Call at the top of a `describe`: the app fixture (useAppFixture with DELIVERY_ENV, whose
 * beforeAll/afterAll start and stop the app and the receiver) and the helpers bound to it.
 */
export function useHrHarness(): HrHarness {
  const fixture = useAppFixture({ env: DELIVERY_ENV, permissions: [HR] });
  const { auth } = fixture;
  let sequence = 0;

  const nextSequence = () => ++sequence;
  const uniqueEmail = (label = 'candidate') => `${label}.${++sequence}.${process.pid}@example.com`;

  async function tenant(label: string): Promise<Tenant> {
    const company = `${label}-${++sequence}`;
    const path = `/hook/${company}`;
    const res = await request(fixture.server)
      .post('/api/webhooks')
      .set(auth(company, [MANAGE]))
      .send({ url: fixture.receiver.url(path), events: ['*'] });
    return { company, path, secret: expectStatus<{ secret: string }>(res, 201).secret };
  }

  async function eventIds(company: string): Promise<Set<string>> {
    const rows: { id: string }[] = await fixture.t.dataSource.query(
      'SELECT id FROM webhook_events WHERE company_id = $1',
      [company],
    );
    return new Set(rows.map((r) => r.id));
  }
  async function eventCount(company: string): Promise<number> {
    const rows: { n: number }[] = await fixture.t.dataSource.query(
      'SELECT count(*)::int AS n FROM webhook_events WHERE company_id = $1',
      [company],
    );
    return rows[0].n;
  }
  async function emitsNothing(company: string, action: () => Promise<void>): Promise<void> {
    const before = await eventCount(company);
    await action();
    expect(await eventCount(company)).toBe(before);
  }
  async function settle(tenant: Tenant): Promise<void> {
    await eventually(
      async () => fixture.receiver.on(tenant.path).length >= (await eventCount(tenant.company)),
      10_000,
      50,
    );
  }
  async function expectSilent(tenant: Tenant, actions: () => Promise<void>): Promise<void> {
    await settle(tenant);
    const events = await eventCount(tenant.company);
    const received = fixture.receiver.on(tenant.path).length;
    await actions();
    await sleep(QUIET_MS);
    expect(await eventCount(tenant.company)).toBe(events);
    expect(fixture.receiver.on(tenant.path)).toHaveLength(received);
  }
  async function expectDelivered(
    tenant: Tenant,
    before: Set<string>,
    type: string,
    data: Record<string, unknown>,
  ): Promise<Delivered> {
    const rows: { id: string; type: string; data: unknown }[] = await fixture.t.dataSource.query(
      'SELECT id, type, data FROM webhook_events WHERE company_id = $1 ORDER BY created_at, id',
      [tenant.company],
    );
    const stored = rows.filter((r) => !before.has(r.id));
    expect(stored.map((r) => r.type)).toEqual([type]);
    expect(stored[0].data).toEqual(data);
    const eventId = stored[0].id;
    const req = await eventually(
      async () => fixture.receiver.on(tenant.path).find((r) => r.headers['webhook-id'] === eventId),
      10_000,
      50,
    );
    expect(req.headers['x-webhook-event']).toBe(type);
    const body = new Webhook(tenant.secret).verify(req.text, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    }) as Delivered;
    expect(body).toEqual({
      id: eventId,
      event: type,
      timestamp: expect.stringMatching(ISO_DATE_TIME),
      companyId: tenant.company,
      data,
    });
    expect(
      fixture.receiver.on(tenant.path).filter((r) => r.headers['webhook-id'] === eventId),
    ).toHaveLength(1);
    return body;
  }

  async function candidateIn(company: string, status: CandidateStatus): Promise<string> {
    const created = await request(fixture.server)
      .post('/api/candidates')
      .set(auth(company))
      .send({
        firstName: 'Léa',
        lastName: 'Martin',
        email: `lea.${++sequence}.${process.pid}@example.com`,
      });
    const { id } = expectStatus<{ id: string }>(created, 201);
    const path: CandidateStatus[] =
      status === 'rejected' ? ['rejected'] : HIRING_PATH.slice(0, HIRING_PATH.indexOf(status) + 1);
    for (const next of path) {
      expectStatus(
        await request(fixture.server)
          .patch(`/api/candidates/${id}/status`)
          .set(auth(company))
          .send({ status: next }),
        200,
      );
    }
    return id;
  }
  async function hireEmployee(
    company: string,
    contract: ContractBody = CDI,
    signed = true,
  ): Promise<Employee> {
    const candidateId = await candidateIn(company, 'hired');
    const answer = expectStatus<{ id: string; employeeId: string }>(
      await request(fixture.server)
        .post('/api/contracts')
        .set(auth(company))
        .send({ candidateId, ...contract }),
      201,
    );
    if (signed) {
      expectStatus(
        await request(fixture.server)
          .post(`/api/contracts/${answer.id}/sign`)
          .set(auth(company))
          .send(),
        200,
      );
    }
    return { employeeId: answer.employeeId, contractId: answer.id };
  }

  return Object.assign(fixture, {
    nextSequence,
    uniqueEmail,
    tenant,
    eventIds,
    eventCount,
    emitsNothing,
    settle,
    expectSilent,
    expectDelivered,
    candidateIn,
    hireEmployee,
  });
}
