import request from 'supertest';
import type { Response } from 'supertest';
import { Webhook } from 'standardwebhooks';
import { HR, ISO_DATE_TIME } from '../support/constants';
import { eventually, type ReceivedRequest } from '../support/receiver';
import {
  type CandidateStatus,
  type Delivered,
  expectStatus,
  type HrHarness,
  type Tenant,
  useHrHarness,
} from './hr-harness';

// The recruiting e2e specs' helpers, on the HR harness: calls as a company, records in a given
// state made through the API, and the check that one change delivered exactly a set of events.

export type ApplicationStatus =
  'submitted' | 'reviewed' | 'shortlisted' | 'hired' | 'rejected' | 'withdrawn';

export interface Job {
  id: string;
  title: string;
  status: string;
  skills: string[];
  [field: string]: unknown;
}
export interface Application {
  id: string;
  jobId: string;
  candidateId: string;
  status: ApplicationStatus;
}
export interface Offer {
  id: string;
  applicationId: string;
  jobId: string;
  candidateId: string;
  status: string;
}
export interface Expected {
  type: string;
  data: Record<string, unknown>;
}

export const JOB_BODY = {
  title: 'Développeuse backend',
  description: "Vous rejoignez l'équipe paie : NestJS, PostgreSQL, webhooks.",
  location: 'Lyon',
  contractType: 'CDI',
  salaryMin: 45000,
  salaryMax: 55000,
  skills: ['TypeScript', 'PostgreSQL', 'NestJS'],
};
export const OFFER_BODY = { salary: 52000, startDate: '2026-09-01', contractType: 'CDI' };

/** The moves that bring a new application to each state through the status route. */
const REVIEW_PATH: Partial<Record<ApplicationStatus, ApplicationStatus[]>> = {
  submitted: [],
  reviewed: ['reviewed'],
  shortlisted: ['reviewed', 'shortlisted'],
  rejected: ['rejected'],
  withdrawn: ['withdrawn'],
};

/** The body of a delivery, once its `webhook-signature` verified (standardwebhooks). */
export function verifiedBody(webhook: Webhook, req: ReceivedRequest): Delivered {
  expect(req.headers['webhook-id']).toBeDefined();
  return webhook.verify(req.text, {
    'webhook-id': String(req.headers['webhook-id']),
    'webhook-timestamp': String(req.headers['webhook-timestamp']),
    'webhook-signature': String(req.headers['webhook-signature']),
  }) as Delivered;
}

/** A moment `days` ahead on the minute, written with a +02:00 offset, and the same in UTC. */
export function futureTime(days: number): { zoned: string; utc: string } {
  const at = new Date(Math.floor((Date.now() + days * 86_400_000) / 60_000) * 60_000);
  const local = new Date(at.getTime() + 2 * 3_600_000).toISOString().slice(0, 19);
  return { zoned: `${local}+02:00`, utc: at.toISOString() };
}

export interface RecruitingHarness extends HrHarness {
  /** Requests as the company with hr.manage (or the given permissions). */
  api(
    company: string,
    permissions?: string[],
  ): {
    get(path: string): Promise<Response>;
    post(path: string, body?: object): Promise<Response>;
    patch(path: string, body: object): Promise<Response>;
  };
  /** A draft job (JOB_BODY and the overrides). */
  draftJob(company: string, overrides?: Record<string, unknown>): Promise<Job>;
  publishedJob(company: string, overrides?: Record<string, unknown>): Promise<Job>;
  /** A new candidate with these skills; answers its id. */
  candidateWithSkills(company: string, skills: string[]): Promise<string>;
  /** An application in `status` (hired: through an accepted offer) to `jobId` or a new job. */
  applicationIn(
    company: string,
    status: ApplicationStatus,
    options?: { jobId?: string; candidateId?: string },
  ): Promise<Application>;
  /** A draft offer (OFFER_BODY) to a new shortlisted application, sent unless told otherwise. */
  offer(company: string, sent?: boolean, candidateStatus?: CandidateStatus): Promise<Offer>;
  /**
   * Exactly these events were stored since `before` (in any order), and each reached the tenant's
   * receiver once, signed, with exactly that data.
   */
  expectDeliveredSet(
    tenant: Tenant,
    before: Set<string>,
    expected: Expected[],
  ): Promise<Delivered[]>;
}

/** Call at the top of a `describe`: the HR harness and the recruiting helpers bound to it. */
export function useRecruitingHarness(): RecruitingHarness {
  const h = useHrHarness();

  const api: RecruitingHarness['api'] = (company, permissions = [HR]) => ({
    get: (path) => request(h.server).get(path).set(h.auth(company, permissions)),
    post: (path, body) => request(h.server).post(path).set(h.auth(company, permissions)).send(body),
    patch: (path, body) =>
      request(h.server).patch(path).set(h.auth(company, permissions)).send(body),
  });

  async function draftJob(company: string, overrides: Record<string, unknown> = {}): Promise<Job> {
    return expectStatus<Job>(
      await api(company).post('/api/jobs', { ...JOB_BODY, ...overrides }),
      201,
    );
  }
  async function publishedJob(company: string, overrides: Record<string, unknown> = {}) {
    const job = await draftJob(company, overrides);
    return expectStatus<Job>(await api(company).post(`/api/jobs/${job.id}/publish`), 200);
  }
  async function candidateWithSkills(company: string, skills: string[]): Promise<string> {
    const id = await h.candidateIn(company, 'new');
    expectStatus(await api(company).patch(`/api/candidates/${id}`, { skills }), 200);
    return id;
  }

  async function applicationIn(
    company: string,
    status: ApplicationStatus,
    options: { jobId?: string; candidateId?: string } = {},
  ): Promise<Application> {
    if (status === 'hired') {
      const made = await offer(company, true);
      expectStatus(await api(company).post(`/api/offers/${made.id}/accept`), 200);
      return { id: made.applicationId, jobId: made.jobId, candidateId: made.candidateId, status };
    }
    const jobId = options.jobId ?? (await publishedJob(company)).id;
    const candidateId = options.candidateId ?? (await h.candidateIn(company, 'new'));
    const application = expectStatus<Application>(
      await api(company).post(`/api/jobs/${jobId}/applications`, { candidateId }),
      201,
    );
    for (const next of REVIEW_PATH[status] ?? []) {
      expectStatus(
        await api(company).patch(`/api/applications/${application.id}/status`, { status: next }),
        200,
      );
    }
    return { ...application, status };
  }

  async function offer(
    company: string,
    sent = true,
    candidateStatus: CandidateStatus = 'offer',
  ): Promise<Offer> {
    const candidateId = await h.candidateIn(company, candidateStatus);
    const application = await applicationIn(company, 'shortlisted', { candidateId });
    const made = expectStatus<Offer>(
      await api(company).post(`/api/applications/${application.id}/offers`, OFFER_BODY),
      201,
    );
    if (!sent) return made;
    return expectStatus<Offer>(await api(company).post(`/api/offers/${made.id}/send`), 200);
  }

  async function expectDeliveredSet(
    tenant: Tenant,
    before: Set<string>,
    expected: Expected[],
  ): Promise<Delivered[]> {
    const rows: { id: string; type: string; data: Record<string, unknown> }[] =
      await h.t.dataSource.query(
        'SELECT id, type, data FROM webhook_events WHERE company_id = $1 ORDER BY created_at, id',
        [tenant.company],
      );
    const stored = rows.filter((r) => !before.has(r.id));
    expect(stored.map(({ type, data }) => ({ type, data }))).toEqual(
      expect.arrayContaining(expected),
    );
    expect(stored).toHaveLength(expected.length);
    const webhook = new Webhook(tenant.secret);
    const delivered: Delivered[] = [];
    for (const event of stored) {
      const req = await eventually(
        async () => h.receiver.on(tenant.path).find((r) => r.headers['webhook-id'] === event.id),
        10_000,
        50,
      );
      expect(req.headers['x-webhook-event']).toBe(event.type);
      const body = verifiedBody(webhook, req);
      expect(body).toEqual({
        id: event.id,
        event: event.type,
        timestamp: expect.stringMatching(ISO_DATE_TIME),
        companyId: tenant.company,
        data: event.data,
      });
      delivered.push(body);
    }
    return delivered;
  }

  return Object.assign(h, {
    api,
    draftJob,
    publishedJob,
    candidateWithSkills,
    applicationIn,
    offer,
    expectDeliveredSet,
  });
}
