import type { Response } from 'supertest';
import { describeResponse, expectStatus } from './hr-harness';
import { futureTime, OFFER_BODY, useRecruitingHarness } from './recruiting-harness';

// Each recruiting change and its events are stored together, or neither is. Faults are forced in
// the database, as in atomicity.e2e-spec.ts: a trigger that raises makes one INSERT or UPDATE fail.

/** A change to make fail, and what it must leave as it was. */
interface FaultCase {
  name: string;
  /** Where the fault is: an event type whose INSERT into webhook_events fails, or an HR table. */
  fault: { event: string } | { table: string; timing: 'BEFORE INSERT' | 'BEFORE UPDATE' };
  /** The change; answers the request the fault makes fail (and that succeeds afterwards). */
  act(company: string, ids: Record<string, string>): Promise<Response>;
  /** Makes the records the change acts on; answers their ids. */
  arrange(company: string): Promise<Record<string, string>>;
  /** What the change would alter, read back. */
  state(company: string, ids: Record<string, string>): Promise<unknown>;
  /** The event the change emits once the fault is gone. */
  emits: string;
}

describe('a recruiting change and its events are stored together, or neither is', () => {
  const h = useRecruitingHarness();
  const { api } = h;
  let sequence = 0;

  beforeAll(() => {
    // the forced faults are logged as unhandled errors: expected here, so kept out of the output
    h.t.app.useLogger(false);
  });

  /** Runs `action` while a trigger makes the fault's INSERT or UPDATE raise. */
  async function withFault(fault: FaultCase['fault'], action: () => Promise<void>): Promise<void> {
    const name = `test_recruiting_fault_${++sequence}`;
    const [table, timing, condition] =
      'event' in fault
        ? ['webhook_events', 'BEFORE INSERT', `NEW.type = '${fault.event}'`]
        : [fault.table, fault.timing, 'TRUE'];
    await h.t.dataSource.query(`CREATE FUNCTION ${name}() RETURNS trigger AS $$
      BEGIN IF ${condition} THEN RAISE EXCEPTION 'test fault: ${name}'; END IF; RETURN NEW; END
      $$ LANGUAGE plpgsql`);
    await h.t.dataSource.query(
      `CREATE TRIGGER ${name} ${timing} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`,
    );
    try {
      await action();
    } finally {
      await h.t.dataSource.query(`DROP TRIGGER ${name} ON ${table}`);
      await h.t.dataSource.query(`DROP FUNCTION ${name}()`);
    }
  }

  const read = async (company: string, path: string) =>
    expectStatus(await api(company).get(path), 200);
  const count = async (table: string, company: string) =>
    (
      await h.t.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM ${table} WHERE company_id = $1`,
        [company],
      )
    )[0].n;
  const shortlistedWithOffer = async (company: string, sent: boolean) => {
    const offer = await h.offer(company, sent);
    return { offer: offer.id, application: offer.applicationId, candidate: offer.candidateId };
  };
  const acceptance = (event: string): Omit<FaultCase, 'name' | 'fault'> => ({
    arrange: (company) => shortlistedWithOffer(company, true),
    act: (company, ids) => api(company).post(`/api/offers/${ids.offer}/accept`),
    state: async (company, ids) => [
      await read(company, `/api/offers/${ids.offer}`),
      await read(company, `/api/applications/${ids.application}`),
      await read(company, `/api/candidates/${ids.candidate}`),
    ],
    emits: event,
  });

  const CASES: FaultCase[] = [
    {
      name: 'candidate.updated: the profile stays',
      fault: { event: 'candidate.updated' },
      arrange: async (company) => ({ candidate: await h.candidateIn(company, 'new') }),
      act: (company, ids) =>
        api(company).patch(`/api/candidates/${ids.candidate}`, {
          lastName: 'Durand',
          skills: ['SQL'],
        }),
      state: (company, ids) => read(company, `/api/candidates/${ids.candidate}`),
      emits: 'candidate.updated',
    },
    ...['job.published', 'job_posting.published'].map((event): FaultCase => ({
      name: `${event}: the job stays a draft, and neither event is stored`,
      fault: { event },
      arrange: async (company) => ({ job: (await h.draftJob(company)).id }),
      act: (company, ids) => api(company).post(`/api/jobs/${ids.job}/publish`),
      state: (company, ids) => read(company, `/api/jobs/${ids.job}`),
      emits: event,
    })),
    {
      name: 'job.closed: the job stays published',
      fault: { event: 'job.closed' },
      arrange: async (company) => ({ job: (await h.publishedJob(company)).id }),
      act: (company, ids) => api(company).post(`/api/jobs/${ids.job}/close`, { reason: 'filled' }),
      state: (company, ids) => read(company, `/api/jobs/${ids.job}`),
      emits: 'job.closed',
    },
    {
      name: 'application.submitted: no application is stored (applying again is not a duplicate)',
      fault: { event: 'application.submitted' },
      arrange: async (company) => ({
        job: (await h.publishedJob(company)).id,
        candidate: await h.candidateIn(company, 'new'),
      }),
      act: (company, ids) =>
        api(company).post(`/api/jobs/${ids.job}/applications`, { candidateId: ids.candidate }),
      state: (company) => count('hr_job_applications', company),
      emits: 'application.submitted',
    },
    ...['application.reviewed', 'candidate.matched'].map((event): FaultCase => ({
      name: `${event}: a shortlisting leaves the application reviewed`,
      fault: { event },
      arrange: async (company) => ({
        application: (await h.applicationIn(company, 'reviewed')).id,
      }),
      act: (company, ids) =>
        api(company).patch(`/api/applications/${ids.application}/status`, {
          status: 'shortlisted',
        }),
      state: (company, ids) => read(company, `/api/applications/${ids.application}`),
      emits: event,
    })),
    {
      name: 'interview.scheduled: no interview is stored',
      fault: { event: 'interview.scheduled' },
      arrange: async (company) => ({
        application: (await h.applicationIn(company, 'shortlisted')).id,
      }),
      act: (company, ids) =>
        api(company).post(`/api/applications/${ids.application}/interviews`, {
          scheduledAt: futureTime(3).zoned,
          kind: 'phone',
          interviewers: ['Claire Dubois'],
        }),
      state: (company) => count('hr_interviews', company),
      emits: 'interview.scheduled',
    },
    {
      name: 'interview.scheduled on a reschedule: the interview keeps its time',
      fault: { event: 'interview.scheduled' },
      arrange: async (company) => {
        const application = await h.applicationIn(company, 'shortlisted');
        const interview = expectStatus<{ id: string }>(
          await api(company).post(`/api/applications/${application.id}/interviews`, {
            scheduledAt: futureTime(3).zoned,
            kind: 'video',
            interviewers: ['Claire Dubois'],
          }),
          201,
        );
        return { interview: interview.id };
      },
      act: (company, ids) =>
        api(company).post(`/api/interviews/${ids.interview}/reschedule`, {
          scheduledAt: futureTime(4).zoned,
        }),
      state: (company, ids) => read(company, `/api/interviews/${ids.interview}`),
      emits: 'interview.scheduled',
    },
    {
      name: 'offer.sent: the offer stays a draft',
      fault: { event: 'offer.sent' },
      arrange: (company) => shortlistedWithOffer(company, false),
      act: (company, ids) => api(company).post(`/api/offers/${ids.offer}/send`),
      state: (company, ids) => read(company, `/api/offers/${ids.offer}`),
      emits: 'offer.sent',
    },
    ...['offer.accepted', 'application.reviewed', 'candidate.status_changed'].map(
      (event): FaultCase => ({
        name: `${event} on an acceptance: offer sent, application shortlisted, candidate in offer`,
        fault: { event },
        ...acceptance(event),
      }),
    ),
    {
      name: 'the candidate UPDATE of an acceptance (its last write): none of its events is stored',
      fault: { table: 'hr_candidates', timing: 'BEFORE UPDATE' },
      ...acceptance('offer.accepted'),
    },
    {
      name: 'the offer INSERT: no offer, and the application still takes one',
      fault: { table: 'hr_offers', timing: 'BEFORE INSERT' },
      arrange: async (company) => ({
        application: (await h.applicationIn(company, 'shortlisted')).id,
      }),
      act: (company, ids) =>
        api(company).post(`/api/applications/${ids.application}/offers`, OFFER_BODY),
      state: (company) => count('hr_offers', company),
      emits: 'none',
    },
  ];

  it.each(CASES)('$name', async ({ fault, arrange, act, state, emits }) => {
    const ats = await h.tenant('recruiting-fault');
    const ids = await arrange(ats.company);
    const before = await state(ats.company, ids);
    await h.expectSilent(ats, async () => {
      await withFault(fault, async () => {
        const res = await act(ats.company, ids);
        if (res.status < 500) throw new Error(`expected 5xx, got ${describeResponse(res)}`);
      });
    });
    expect(await state(ats.company, ids)).toEqual(before);

    // once the fault is gone, the same change goes through and its event is delivered
    const events = await h.eventIds(ats.company);
    const res = await act(ats.company, ids);
    if (res.status >= 300) throw new Error(`expected 2xx, got ${describeResponse(res)}`);
    expect(await state(ats.company, ids)).not.toEqual(before);
    if (emits === 'none') return;
    const stored = await h.t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM webhook_events WHERE company_id = $1 AND type = $2',
      [ats.company, emits],
    );
    expect(stored.filter((e) => !events.has(e.id))).toHaveLength(1);
    await h.settle(ats);
  });
});
