import request from 'supertest';
import { bearerAuth } from '../app-fixture';
import { ALL_PERMISSIONS } from '../constants';
import type { TestReceiver } from '../receiver';
import type { TestApp } from '../test-app';
import { SUBSCRIPTION_SECRET } from './secrets';
import { ACME, GLOBEX } from './settings';
import type { Fixtures } from './values';

/** Records for the fuzzed requests to act on, made through the API (supertest) on `base`. */
export class Seeder {
  private sequence = 0;

  constructor(
    private readonly t: TestApp,
    private readonly base: string,
    private readonly receiver: TestReceiver,
  ) {}

  /** The Authorization header of a token for the company (default: every permission). */
  auth(company: string, permissions = ALL_PERMISSIONS): { Authorization: string } {
    return bearerAuth(this.t, company, permissions);
  }

  async post<T>(path: string, company: string, body?: object): Promise<T> {
    const res = await request(this.base).post(path).set(this.auth(company)).send(body);
    if (res.status >= 300) throw new Error(`seeding: ${path} answered ${res.status} ${res.text}`);
    return res.body as T;
  }

  private async hiredCandidate(company: string): Promise<string> {
    const n = ++this.sequence;
    const { id } = await this.post<{ id: string }>('/api/candidates', company, {
      firstName: 'Fuzz',
      lastName: `Seed ${n}`,
      email: `fuzz.${n}.${process.pid}@example.com`,
    });
    for (const status of ['screening', 'interview', 'offer', 'hired']) {
      const res = await request(this.base)
        .patch(`/api/candidates/${id}/status`)
        .set(this.auth(company))
        .send({ status });
      if (res.status !== 200) throw new Error(`seeding: status ${status}: ${res.text}`);
    }
    return id;
  }

  /** Fresh records for a route: destructive runs of the previous route leave theirs behind. */
  async seed(): Promise<Fixtures> {
    // Earlier routes' subscriptions (seeded and fuzzed) would multiply every event's deliveries.
    await this.t.dataSource.query(
      `UPDATE webhook_subscriptions SET is_active = false, updated_at = now() WHERE is_active`,
    );
    const n = ++this.sequence;
    const subscription = await this.post<{ id: string }>('/api/webhooks', ACME, {
      url: this.receiver.url(`/seed/${n}`),
      events: ['*'],
      secret: SUBSCRIPTION_SECRET,
    });
    const candidate = await this.post<{ id: string }>('/api/candidates', ACME, {
      firstName: 'Fuzz',
      lastName: 'New',
      email: `fuzz.new.${n}.${process.pid}@example.com`,
    });
    const contracted = await this.hiredCandidate(ACME);
    const contract = await this.post<{ id: string }>('/api/contracts', ACME, {
      candidateId: contracted,
      contractType: 'CDI',
      startDate: '2026-03-01',
    });
    const employed = await this.hiredCandidate(ACME);
    const employment = await this.post<{ id: string; employeeId: string }>('/api/contracts', ACME, {
      candidateId: employed,
      contractType: 'CDD',
      startDate: '2026-03-01',
      endDate: '2026-12-31',
    });
    await this.post(`/api/contracts/${employment.id}/sign`, ACME);
    const training = await this.post<{ id: string }>('/api/trainings', ACME, {
      title: `Training ${n}`,
      cpfEligible: true,
    });
    const hired = await this.hiredCandidate(ACME);
    const other = await this.post<{ id: string }>('/api/webhooks', GLOBEX, {
      url: this.receiver.url(`/seed/globex/${n}`),
      events: ['*'],
    });
    const otherCandidate = await this.post<{ id: string }>('/api/candidates', GLOBEX, {
      firstName: 'Other',
      lastName: 'Company',
      email: `fuzz.other.${n}.${process.pid}@example.com`,
    });
    const deliveries = await this.t.dataSource.query<{ id: string; company_id: string }[]>(
      `SELECT DISTINCT ON (company_id) id, company_id FROM webhook_deliveries
       WHERE company_id IN ($1, $2) ORDER BY company_id, created_at DESC`,
      [ACME, GLOBEX],
    );
    const deliveryOf = (company: string) => deliveries.find((d) => d.company_id === company)?.id;
    const page = await request(this.base).get('/api/webhooks?limit=1').set(this.auth(ACME));
    const candidates = await request(this.base).get('/api/candidates?limit=1').set(this.auth(ACME));
    const cursors = [page.body, candidates.body]
      .map((b) => (b as { nextCursor?: string | null }).nextCursor)
      .filter((c): c is string => typeof c === 'string');
    return {
      subscriptionId: subscription.id,
      candidateId: candidate.id,
      hiredCandidateId: hired,
      contractId: contract.id,
      employeeId: employment.employeeId,
      trainingId: training.id,
      deliveryId: deliveryOf(ACME) ?? subscription.id,
      otherIds: [other.id, otherCandidate.id, deliveryOf(GLOBEX) ?? other.id],
      cursors,
    };
  }
}
