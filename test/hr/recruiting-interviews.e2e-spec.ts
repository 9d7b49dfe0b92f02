import { randomUUID } from 'node:crypto';
import { UUID } from '../support/constants';
import { expectBadRequest, expectStatus, messageOf } from './hr-harness';
import { type Application, futureTime, useRecruitingHarness } from './recruiting-harness';

// Interviews: POST /api/applications/{id}/interviews and POST /api/interviews/{id}/reschedule,
// each emitting interview.scheduled (a reschedule with the time it had).

interface Interview {
  id: string;
  applicationId: string;
  kind: string;
  scheduledAt: string;
  interviewers: string[];
}

const INTERVIEWERS = ['Claire Dubois', 'rh@example.com'];

/** interview.scheduled's data for an interview of the application with INTERVIEWERS. */
function scheduled(
  interviewId: string,
  application: Application,
  kind: string,
  scheduledAt: string,
  previousScheduledAt: string | null,
) {
  const { id: applicationId, jobId, candidateId } = application;
  return {
    interviewId,
    applicationId,
    jobId,
    candidateId,
    kind,
    scheduledAt,
    interviewers: INTERVIEWERS,
    previousScheduledAt,
  };
}

describe('interviews', () => {
  const h = useRecruitingHarness();
  const { api, tenant, eventIds, emitsNothing, expectSilent, expectDeliveredSet } = h;

  const schedule = (company: string, applicationId: string, body: object) =>
    api(company).post(`/api/applications/${applicationId}/interviews`, body);
  const reschedule = (company: string, id: string, body: object) =>
    api(company).post(`/api/interviews/${id}/reschedule`, body);
  async function interviewOf(company: string, applicationId: string, days = 3): Promise<Interview> {
    const at = futureTime(days);
    return expectStatus<Interview>(
      await schedule(company, applicationId, {
        scheduledAt: at.zoned,
        kind: 'video',
        interviewers: INTERVIEWERS,
      }),
      201,
    );
  }

  it('201 with the interview (its time in UTC); interview.scheduled has previousScheduledAt null', async () => {
    const ats = await tenant('schedule');
    const application = await h.applicationIn(ats.company, 'shortlisted');
    const at = futureTime(3);
    const before = await eventIds(ats.company);
    const interview = expectStatus<Interview>(
      await schedule(ats.company, application.id, {
        scheduledAt: at.zoned,
        kind: 'on-site',
        interviewers: [' Claire Dubois ', 'rh@example.com'],
      }),
      201,
    );
    expect(interview).toMatchObject({
      id: expect.stringMatching(UUID),
      applicationId: application.id,
      kind: 'on-site',
      scheduledAt: at.utc,
      interviewers: INTERVIEWERS,
    });
    await expectDeliveredSet(ats, before, [
      {
        type: 'interview.scheduled',
        data: scheduled(interview.id, application, 'on-site', at.utc, null),
      },
    ]);
    expect(
      expectStatus<Interview>(await api(ats.company).get(`/api/interviews/${interview.id}`), 200),
    ).toEqual(interview);
  });

  it('any open application may be interviewed: submitted and reviewed too', async () => {
    for (const status of ['submitted', 'reviewed'] as const) {
      const application = await h.applicationIn('schedule-open', status);
      await interviewOf('schedule-open', application.id);
    }
  });

  it('a reschedule emits interview.scheduled again, with the time it had', async () => {
    const ats = await tenant('reschedule');
    const application = await h.applicationIn(ats.company, 'shortlisted');
    const interview = await interviewOf(ats.company, application.id, 3);
    const later = futureTime(5);
    const before = await eventIds(ats.company);
    const moved = expectStatus<Interview>(
      await reschedule(ats.company, interview.id, { scheduledAt: later.zoned }),
      200,
    );
    expect(moved).toMatchObject({ id: interview.id, scheduledAt: later.utc, kind: 'video' });
    await expectDeliveredSet(ats, before, [
      {
        type: 'interview.scheduled',
        data: scheduled(interview.id, application, 'video', later.utc, interview.scheduledAt),
      },
    ]);
  });

  it('rescheduling to the same instant (in any offset) answers 200 and emits nothing', async () => {
    const ats = await tenant('reschedule-same');
    const application = await h.applicationIn(ats.company, 'reviewed');
    const interview = await interviewOf(ats.company, application.id);
    await expectSilent(ats, async () => {
      const same = expectStatus<Interview>(
        await reschedule(ats.company, interview.id, { scheduledAt: interview.scheduledAt }),
        200,
      );
      expect(same.scheduledAt).toBe(interview.scheduledAt);
    });
  });

  it('a hired, rejected or withdrawn application is not interviewed (409), nor rescheduled once closed', async () => {
    const ats = await tenant('schedule-closed');
    const open = await h.applicationIn(ats.company, 'reviewed');
    const interview = await interviewOf(ats.company, open.id);
    expectStatus(
      await api(ats.company).patch(`/api/applications/${open.id}/status`, { status: 'withdrawn' }),
      200,
    );
    const closed = [
      await h.applicationIn(ats.company, 'rejected'),
      await h.applicationIn(ats.company, 'withdrawn'),
      await h.applicationIn(ats.company, 'hired'),
    ];
    await expectSilent(ats, async () => {
      for (const application of closed) {
        const res = await schedule(ats.company, application.id, {
          scheduledAt: futureTime(2).zoned,
          kind: 'phone',
          interviewers: INTERVIEWERS,
        });
        expectStatus(res, 409);
        expect(res.body).toMatchObject({ code: 'APPLICATION_NOT_OPEN' });
        expect(messageOf(res)).toContain(`The application is ${application.status}`);
      }
      const res = await reschedule(ats.company, interview.id, { scheduledAt: futureTime(9).zoned });
      expectStatus(res, 409);
      expect(messageOf(res)).toContain('The application is withdrawn');
    });
    const still = expectStatus<Interview>(
      await api(ats.company).get(`/api/interviews/${interview.id}`),
      200,
    );
    expect(still.scheduledAt).toBe(interview.scheduledAt);
  });

  const valid = () => ({
    scheduledAt: futureTime(3).zoned,
    kind: 'video',
    interviewers: INTERVIEWERS,
  });
  const BAD: { label: string; body: () => object; field: string }[] = [
    {
      label: 'a time without an offset',
      body: () => ({ scheduledAt: futureTime(3).zoned.slice(0, 19) }),
      field: 'scheduledAt',
    },
    {
      label: 'a date alone',
      body: () => ({ scheduledAt: futureTime(3).utc.slice(0, 10) }),
      field: 'scheduledAt',
    },
    {
      label: 'a day that does not exist',
      body: () => ({ scheduledAt: '2099-02-30T10:00:00Z' }),
      field: 'scheduledAt',
    },
    {
      label: 'a time in the past',
      body: () => ({ scheduledAt: '2020-05-04T10:00:00+02:00' }),
      field: 'scheduledAt',
    },
    {
      label: 'a time that is a number',
      body: () => ({ scheduledAt: Date.now() + 86_400_000 }),
      field: 'scheduledAt',
    },
    { label: 'no time', body: () => ({ scheduledAt: undefined }), field: 'scheduledAt' },
    { label: 'an unknown kind', body: () => ({ kind: 'in-person' }), field: 'kind' },
    { label: 'no interviewers', body: () => ({ interviewers: [] }), field: 'interviewers' },
    { label: 'a blank interviewer', body: () => ({ interviewers: ['  '] }), field: 'interviewers' },
    {
      label: 'interviewers that are not a list',
      body: () => ({ interviewers: 'Claire' }),
      field: 'interviewers',
    },
    {
      label: 'an interviewer named twice',
      body: () => ({ interviewers: ['A', 'A'] }),
      field: 'interviewers',
    },
    { label: 'an unknown field', body: () => ({ room: 'B12' }), field: 'room' },
  ];
  it.each(BAD)(
    '$label: 400 naming the field, nothing stored or emitted',
    async ({ body, field }) => {
      const company = `schedule-bad-${h.nextSequence()}`;
      const application = await h.applicationIn(company, 'shortlisted');
      await emitsNothing(company, async () => {
        expectBadRequest(await schedule(company, application.id, { ...valid(), ...body() }), field);
      });
      const [{ n }] = await h.t.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM hr_interviews WHERE company_id = $1',
        [company],
      );
      expect(n).toBe(0);
    },
  );

  it('a reschedule to a bad or past time is 400 naming scheduledAt; its time stays', async () => {
    const company = 'reschedule-bad';
    const application = await h.applicationIn(company, 'shortlisted');
    const interview = await interviewOf(company, application.id);
    await emitsNothing(company, async () => {
      for (const scheduledAt of ['2020-01-01T10:00:00Z', 'tomorrow', null]) {
        expectBadRequest(await reschedule(company, interview.id, { scheduledAt }), 'scheduledAt');
      }
      expectBadRequest(await reschedule(company, interview.id, { ...valid() }), 'kind');
    });
    const still = expectStatus<Interview>(
      await api(company).get(`/api/interviews/${interview.id}`),
      200,
    );
    expect(still.scheduledAt).toBe(interview.scheduledAt);
  });

  it("unknown ids, ids that are not UUIDs, another company's application or interview: 404", async () => {
    const owner = await tenant('interview-owner');
    const intruder = await tenant('interview-intruder');
    const application = await h.applicationIn(owner.company, 'shortlisted');
    const interview = await interviewOf(owner.company, application.id);
    await expectSilent(owner, async () => {
      await emitsNothing(intruder.company, async () => {
        for (const id of [randomUUID(), 'not-a-uuid', application.id]) {
          const res = await schedule(intruder.company, id, valid());
          expectStatus(res, 404);
          expect(res.body).toMatchObject({ code: 'APPLICATION_NOT_FOUND' });
        }
        for (const id of [randomUUID(), 'not-a-uuid', interview.id]) {
          const res = await reschedule(intruder.company, id, { scheduledAt: futureTime(7).zoned });
          expectStatus(res, 404);
          expect(res.body).toMatchObject({ code: 'INTERVIEW_NOT_FOUND' });
          expectStatus(await api(intruder.company).get(`/api/interviews/${id}`), 404);
        }
      });
    });
    const still = expectStatus<Interview>(
      await api(owner.company).get(`/api/interviews/${interview.id}`),
      200,
    );
    expect(still.scheduledAt).toBe(interview.scheduledAt);
  });
});
