import { MANAGE } from '../support/constants';
import { sleep } from '../support/time';
import { CDI, expectBadRequest, expectStatus } from './hr-harness';
import { futureTime, JOB_BODY, OFFER_BODY, useRecruitingHarness } from './recruiting-harness';
import { WalkthroughSteps } from './recruiting-steps';

// The README's recruiting walkthrough: job → application → shortlisted → interview → offer →
// accepted → contract signed → job closed, as one receiver sees it. On a `fifo` subscription (once
// the API has them) the events must arrive in publish order; until then, each step's set of events
// arrives before the next step starts.

const COMPANY = 'acme-recruiting';
const HOOK = '/recruiting-walkthrough';

describe('the recruiting walkthrough', () => {
  const h = useRecruitingHarness();

  it('every recruiting event, from a real change each, signed, each step before the next', async () => {
    const hr = h.api(COMPANY);
    const manage = h.api(COMPANY, [MANAGE]);

    // 1. a receiver subscribed to every event, in publish order if the API offers it
    let subscribed = await manage.post('/api/webhooks', {
      url: h.receiver.url(HOOK),
      events: ['*'],
      ordering: 'fifo',
    });
    const fifo = subscribed.status === 201;
    if (!fifo) {
      expectBadRequest(subscribed, 'ordering');
      subscribed = await manage.post('/api/webhooks', { url: h.receiver.url(HOOK), events: ['*'] });
    }
    const { secret } = expectStatus<{ secret: string }>(subscribed, 201);
    const walk = new WalkthroughSteps(h.receiver, HOOK, COMPANY, secret);
    const step = walk.step.bind(walk);

    // 2. a candidate, with their skills
    const candidateId = await step(
      'candidate',
      async () => {
        const { id } = expectStatus<{ id: string }>(
          await hr.post('/api/candidates', {
            firstName: 'Léa',
            lastName: 'Martin',
            email: 'lea.martin@example.com',
          }),
          201,
        );
        expectStatus(
          await hr.patch(`/api/candidates/${id}`, {
            phone: '+33 6 12 34 56 78',
            skills: ['TypeScript', 'NestJS', 'SQL'],
          }),
          200,
        );
        return id;
      },
      (id) => [
        {
          type: 'candidate.created',
          data: expect.objectContaining({ candidateId: id, status: 'new' }),
        },
        {
          type: 'candidate.updated',
          data: {
            candidateId: id,
            changes: {
              phone: { old: null, new: '+33 6 12 34 56 78' },
              skills: { old: [], new: ['TypeScript', 'NestJS', 'SQL'] },
            },
          },
        },
      ],
    );

    // 3. a job written as a draft (nothing), then published under both names
    const job = await step(
      'job published',
      async () => {
        const draft = expectStatus<{ id: string }>(await hr.post('/api/jobs', JOB_BODY), 201);
        return expectStatus<{ id: string; publishedAt: string }>(
          await hr.post(`/api/jobs/${draft.id}/publish`),
          200,
        );
      },
      (published) => {
        const { salaryMin, salaryMax, skills, ...rest } = JOB_BODY;
        const posting = {
          jobId: published.id,
          ...rest,
          salaryMin,
          salaryMax,
          skills,
          publishedAt: published.publishedAt,
        };
        return [
          { type: 'job.published', data: posting },
          { type: 'job_posting.published', data: posting },
        ];
      },
    );
    const jobId = job.id;

    // 4. the candidate applies; the application is reviewed, then shortlisted (matched 2 of 3)
    const applicationId = await step(
      'applied',
      async () =>
        expectStatus<{ id: string }>(
          await hr.post(`/api/jobs/${jobId}/applications`, { candidateId }),
          201,
        ).id,
      (id) => [
        {
          type: 'application.submitted',
          data: expect.objectContaining({ applicationId: id, jobId, candidateId }),
        },
      ],
    );
    const ids = { applicationId, jobId, candidateId };
    for (const [oldStatus, newStatus] of [
      ['submitted', 'reviewed'],
      ['reviewed', 'shortlisted'],
    ]) {
      await step(
        newStatus,
        async () =>
          expectStatus(
            await hr.patch(`/api/applications/${applicationId}/status`, { status: newStatus }),
            200,
          ),
        () => [
          { type: 'application.reviewed', data: { ...ids, oldStatus, newStatus } },
          ...(newStatus === 'shortlisted'
            ? [
                {
                  type: 'candidate.matched',
                  data: {
                    candidateId,
                    jobId,
                    applicationId,
                    score: 0.67,
                    matchedSkills: ['TypeScript', 'NestJS'],
                  },
                },
              ]
            : []),
        ],
      );
    }

    // 5. an interview, then moved
    const first = futureTime(3);
    const second = futureTime(4);
    const scheduled = (interviewId: string, scheduledAt: string, previous: string | null) => ({
      interviewId,
      ...ids,
      kind: 'video',
      scheduledAt,
      interviewers: ['Claire Dubois'],
      previousScheduledAt: previous,
    });
    const interview = await step(
      'interview',
      async () =>
        expectStatus<{ id: string }>(
          await hr.post(`/api/applications/${applicationId}/interviews`, {
            scheduledAt: first.zoned,
            kind: 'video',
            interviewers: ['Claire Dubois'],
          }),
          201,
        ),
      (made) => [
        {
          type: 'interview.scheduled',
          data: scheduled(made.id, first.utc, null),
        },
      ],
    );
    await step(
      'rescheduled',
      async () =>
        expectStatus(
          await hr.post(`/api/interviews/${interview.id}/reschedule`, {
            scheduledAt: second.zoned,
          }),
          200,
        ),
      () => [
        {
          type: 'interview.scheduled',
          data: scheduled(interview.id, second.utc, first.utc),
        },
      ],
    );

    // 6. an offer, drafted (nothing) and sent; then accepted: the candidate walks to hired
    const offer = await step(
      'offer sent',
      async () => {
        const draft = expectStatus<{ id: string }>(
          await hr.post(`/api/applications/${applicationId}/offers`, OFFER_BODY),
          201,
        );
        return expectStatus<{ id: string; sentAt: string }>(
          await hr.post(`/api/offers/${draft.id}/send`),
          200,
        );
      },
      (sent) => [
        {
          type: 'offer.sent',
          data: { offerId: sent.id, ...ids, ...OFFER_BODY, sentAt: sent.sentAt },
        },
      ],
    );
    await step(
      'offer accepted',
      async () =>
        expectStatus<{ acceptedAt: string }>(await hr.post(`/api/offers/${offer.id}/accept`), 200),
      (accepted) => [
        {
          type: 'offer.accepted',
          data: { offerId: offer.id, ...ids, ...OFFER_BODY, acceptedAt: accepted.acceptedAt },
        },
        {
          type: 'application.reviewed',
          data: { ...ids, oldStatus: 'shortlisted', newStatus: 'hired' },
        },
        ...[
          ['new', 'screening'],
          ['screening', 'interview'],
          ['interview', 'offer'],
          ['offer', 'hired'],
        ].map(([oldStatus, newStatus]) => ({
          type: 'candidate.status_changed',
          data: { candidateId, oldStatus, newStatus },
        })),
      ],
    );

    // 7. the contract of the hired candidate, signed; the job closed as filled
    await step(
      'contract signed',
      async () => {
        const contract = expectStatus<{ id: string; employeeId: string }>(
          await hr.post('/api/contracts', { candidateId, ...CDI }),
          201,
        );
        expectStatus(await hr.post(`/api/contracts/${contract.id}/sign`), 200);
        return contract;
      },
      (contract) => [
        {
          type: 'contract.signed',
          data: {
            contractId: contract.id,
            employeeId: contract.employeeId,
            contractType: 'CDI',
            startDate: CDI.startDate,
          },
        },
      ],
    );
    await step(
      'job closed',
      async () =>
        expectStatus<{ closedAt: string }>(
          await hr.post(`/api/jobs/${jobId}/close`, { reason: 'filled' }),
          200,
        ),
      (closed) => [
        {
          type: 'job.closed',
          data: {
            jobId,
            reason: 'filled',
            closedAt: closed.closedAt,
            applications: {
              submitted: 0,
              reviewed: 0,
              shortlisted: 0,
              hired: 1,
              rejected: 0,
              withdrawn: 0,
            },
          },
        },
      ],
    );

    // nothing more arrives; each step got exactly its events (in publish order on a fifo subscription)
    await sleep(500);
    const total = walk.steps.reduce((n, s) => n + s.expected.length, 0);
    expect(h.receiver.on(HOOK)).toHaveLength(total);
    for (const { name, received, expected } of walk.steps) {
      const got = {
        step: name,
        events: received.map(({ event, data }) => ({ type: event, data })),
      };
      if (fifo) expect(got).toEqual({ step: name, events: expected });
      else expect(got).toEqual({ step: name, events: expect.arrayContaining(expected) });
      expect(received).toHaveLength(expected.length);
    }
    const all = walk.received;
    expect(new Set(all.map((e) => e.id)).size).toBe(total);
    // every type of the recruiting catalog was sent from a real change
    expect(new Set(all.map((e) => e.event))).toEqual(
      new Set([
        'candidate.created',
        'candidate.updated',
        'candidate.matched',
        'candidate.status_changed',
        'job.published',
        'job_posting.published',
        'job.closed',
        'application.submitted',
        'application.reviewed',
        'interview.scheduled',
        'offer.sent',
        'offer.accepted',
        'contract.signed',
      ]),
    );
  });
});
