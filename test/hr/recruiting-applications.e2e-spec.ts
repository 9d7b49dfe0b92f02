import { randomUUID } from 'node:crypto';
import { ISO_DATE_TIME, UUID } from '../support/constants';
import { expectBadRequest, expectStatus, messageOf } from './hr-harness';
import {
  type Application,
  type ApplicationStatus,
  useRecruitingHarness,
} from './recruiting-harness';

// Applications: POST /api/jobs/{id}/applications (application.submitted) and
// PATCH /api/applications/{id}/status (application.reviewed; candidate.matched on shortlisting).

type Review = Exclude<ApplicationStatus, 'submitted' | 'hired'>;
/** The documented life cycle, as the status route moves it (hired comes with an accepted offer). */
const NEXT: Record<ApplicationStatus, Review[]> = {
  submitted: ['reviewed', 'rejected', 'withdrawn'],
  reviewed: ['shortlisted', 'rejected', 'withdrawn'],
  shortlisted: ['rejected', 'withdrawn'],
  hired: [],
  rejected: [],
  withdrawn: [],
};
const ALLOWED = (Object.keys(NEXT) as ApplicationStatus[]).flatMap((from) =>
  NEXT[from].filter((to) => to !== 'shortlisted').map((to) => ({ from, to })),
);
const ILLEGAL: { from: ApplicationStatus; to: Review; allowed: string }[] = [
  { from: 'submitted', to: 'shortlisted', allowed: 'reviewed, rejected, withdrawn' },
  { from: 'reviewed', to: 'reviewed', allowed: 'shortlisted, rejected, withdrawn' },
  { from: 'shortlisted', to: 'reviewed', allowed: 'hired, rejected, withdrawn' },
  { from: 'shortlisted', to: 'shortlisted', allowed: 'hired, rejected, withdrawn' },
  { from: 'rejected', to: 'reviewed', allowed: 'none (rejected is final)' },
  { from: 'withdrawn', to: 'rejected', allowed: 'none (withdrawn is final)' },
  { from: 'hired', to: 'withdrawn', allowed: 'none (hired is final)' },
];

describe('applications', () => {
  const h = useRecruitingHarness();
  const { api, tenant, eventIds, emitsNothing, expectSilent, expectDeliveredSet } = h;

  const apply = (company: string, jobId: string, body: object) =>
    api(company).post(`/api/jobs/${jobId}/applications`, body);
  const move = (company: string, id: string, body: object) =>
    api(company).patch(`/api/applications/${id}/status`, body);
  const read = async (company: string, id: string) =>
    expectStatus<Application>(await api(company).get(`/api/applications/${id}`), 200);

  describe('POST /api/jobs/{id}/applications', () => {
    it('201 with the submitted application; application.submitted carries exactly its data', async () => {
      const ats = await tenant('apply');
      const job = await h.publishedJob(ats.company);
      const candidateId = await h.candidateIn(ats.company, 'new');
      const before = await eventIds(ats.company);
      const application = expectStatus<Application & { createdAt: string }>(
        await apply(ats.company, job.id, { candidateId, coverLetter: ' Disponible dès mars. ' }),
        201,
      );
      expect(application).toEqual({
        id: expect.stringMatching(UUID),
        jobId: job.id,
        candidateId,
        status: 'submitted',
        coverLetter: 'Disponible dès mars.',
        createdAt: expect.stringMatching(ISO_DATE_TIME),
        updatedAt: expect.stringMatching(ISO_DATE_TIME),
      });
      await expectDeliveredSet(ats, before, [
        {
          type: 'application.submitted',
          data: {
            applicationId: application.id,
            jobId: job.id,
            candidateId,
            status: 'submitted',
            submittedAt: application.createdAt,
          },
        },
      ]);
      expect(await read(ats.company, application.id)).toMatchObject({ status: 'submitted' });
    });

    it('a draft or closed job takes no applications (409), nor a second one from the same candidate', async () => {
      const ats = await tenant('apply-refused');
      const draft = await h.draftJob(ats.company);
      const closed = await h.publishedJob(ats.company);
      expectStatus(
        await api(ats.company).post(`/api/jobs/${closed.id}/close`, { reason: 'cancelled' }),
        200,
      );
      const open = await h.publishedJob(ats.company);
      const candidateId = await h.candidateIn(ats.company, 'new');
      expectStatus(await apply(ats.company, open.id, { candidateId }), 201);
      await expectSilent(ats, async () => {
        for (const [jobId, status] of [
          [draft.id, 'draft'],
          [closed.id, 'closed'],
        ]) {
          const res = await apply(ats.company, jobId, { candidateId });
          expectStatus(res, 409);
          expect(res.body).toMatchObject({ code: 'JOB_NOT_PUBLISHED' });
          expect(messageOf(res)).toContain(
            `The job is ${status}: only a published job takes applications`,
          );
        }
        const again = await apply(ats.company, open.id, { candidateId });
        expectStatus(again, 409);
        expect(again.body).toMatchObject({ code: 'DUPLICATE_APPLICATION', field: 'candidateId' });
      });
      for (const job of [draft, closed]) {
        const page = expectStatus<{ items: unknown[] }>(
          await api(ats.company).get(`/api/jobs/${job.id}/applications`),
          200,
        );
        expect(page.items).toEqual([]);
      }
    });

    it.each([
      { label: 'no candidateId', body: { candidateId: undefined }, field: 'candidateId' },
      {
        label: 'a candidateId that is not a UUID',
        body: { candidateId: '42' },
        field: 'candidateId',
      },
      { label: 'an empty cover letter', body: { coverLetter: '  ' }, field: 'coverLetter' },
      {
        label: 'a cover letter over 5,000 characters',
        body: { coverLetter: 'x'.repeat(5001) },
        field: 'coverLetter',
      },
      { label: 'a status', body: { status: 'shortlisted' }, field: 'status' },
      { label: 'an unknown field', body: { source: 'LinkedIn' }, field: 'source' },
    ])('$label: 400 naming the field, nothing emitted', async ({ body, field }) => {
      const company = 'apply-bad';
      const job = await h.publishedJob(company);
      const candidateId = await h.candidateIn(company, 'new');
      await emitsNothing(company, async () => {
        expectBadRequest(await apply(company, job.id, { candidateId, ...body }), field);
      });
    });

    it("an unknown job, another company's job or candidate: 404, nothing emitted", async () => {
      const owner = await tenant('apply-owner');
      const intruder = await tenant('apply-intruder');
      const ownersJob = await h.publishedJob(owner.company);
      const ownersCandidate = await h.candidateIn(owner.company, 'new');
      const intrudersJob = await h.publishedJob(intruder.company);
      const intrudersCandidate = await h.candidateIn(intruder.company, 'new');
      await expectSilent(owner, async () => {
        await emitsNothing(intruder.company, async () => {
          const cases: [string, string, string][] = [
            [randomUUID(), intrudersCandidate, 'JOB_NOT_FOUND'],
            ['not-a-uuid', intrudersCandidate, 'JOB_NOT_FOUND'],
            [ownersJob.id, intrudersCandidate, 'JOB_NOT_FOUND'],
            [intrudersJob.id, ownersCandidate, 'CANDIDATE_NOT_FOUND'],
            [intrudersJob.id, randomUUID(), 'CANDIDATE_NOT_FOUND'],
          ];
          for (const [jobId, candidateId, code] of cases) {
            const res = await apply(intruder.company, jobId, { candidateId });
            expectStatus(res, 404);
            expect(res.body).toMatchObject({ code });
          }
          expectStatus(
            await api(intruder.company).get(`/api/jobs/${ownersJob.id}/applications`),
            404,
          );
        });
      });
    });

    it("GET /api/jobs/{id}/applications pages the job's applications, newest first", async () => {
      const company = `apply-list-${h.nextSequence()}`;
      const job = await h.publishedJob(company);
      const other = await h.publishedJob(company);
      const made: string[] = [];
      for (let i = 0; i < 3; i++) {
        made.push((await h.applicationIn(company, 'submitted', { jobId: job.id })).id);
      }
      await h.applicationIn(company, 'submitted', { jobId: other.id });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: { items: Application[]; nextCursor: string | null } = expectStatus(
          await api(company).get(`/api/jobs/${job.id}/applications?limit=2${query}`),
          200,
        );
        seen.push(...page.items.map((a) => a.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...made].reverse());
      const first = expectStatus<{ nextCursor: string }>(
        await api(company).get(`/api/jobs/${job.id}/applications?limit=1`),
        200,
      );
      // a cursor of one job's list does not page another's
      expectBadRequest(
        await api(company).get(
          `/api/jobs/${other.id}/applications?cursor=${encodeURIComponent(first.nextCursor)}`,
        ),
        'cursor',
      );
    });
  });

  describe('PATCH /api/applications/{id}/status', () => {
    it.each(ALLOWED)(
      '$from → $to: 200, and exactly application.reviewed {oldStatus, newStatus}',
      async ({ from, to }) => {
        const ats = await tenant(`review-${from}-${to}`);
        const application = await h.applicationIn(ats.company, from);
        const before = await eventIds(ats.company);
        const moved = expectStatus<Application>(
          await move(ats.company, application.id, { status: to }),
          200,
        );
        expect(moved).toMatchObject({ id: application.id, status: to });
        const { id: applicationId, jobId, candidateId } = application;
        await expectDeliveredSet(ats, before, [
          {
            type: 'application.reviewed',
            data: { applicationId, jobId, candidateId, oldStatus: from, newStatus: to },
          },
        ]);
      },
    );

    it('reviewed → shortlisted: application.reviewed and candidate.matched, scored on the skills', async () => {
      const ats = await tenant('shortlist');
      const job = await h.publishedJob(ats.company, {
        skills: ['TypeScript', 'PostgreSQL', 'NestJS'],
      });
      const candidateId = await h.candidateWithSkills(ats.company, ['nestjs', 'Go', 'typescript']);
      const application = await h.applicationIn(ats.company, 'reviewed', {
        jobId: job.id,
        candidateId,
      });
      const before = await eventIds(ats.company);
      expectStatus(await move(ats.company, application.id, { status: 'shortlisted' }), 200);
      await expectDeliveredSet(ats, before, [
        {
          type: 'application.reviewed',
          data: {
            applicationId: application.id,
            jobId: job.id,
            candidateId,
            oldStatus: 'reviewed',
            newStatus: 'shortlisted',
          },
        },
        {
          type: 'candidate.matched',
          data: {
            candidateId,
            jobId: job.id,
            applicationId: application.id,
            score: 0.67,
            matchedSkills: ['TypeScript', 'NestJS'],
          },
        },
      ]);
    });

    it('a job that lists no skills matches anyone fully (score 1)', async () => {
      const ats = await tenant('shortlist-any');
      const job = await h.publishedJob(ats.company, { skills: [] });
      const application = await h.applicationIn(ats.company, 'reviewed', { jobId: job.id });
      const before = await eventIds(ats.company);
      expectStatus(await move(ats.company, application.id, { status: 'shortlisted' }), 200);
      const delivered = await expectDeliveredSet(ats, before, [
        {
          type: 'application.reviewed',
          data: expect.objectContaining({ newStatus: 'shortlisted' }),
        },
        {
          type: 'candidate.matched',
          data: expect.objectContaining({ score: 1, matchedSkills: [] }),
        },
      ]);
      expect(delivered).toHaveLength(2);
    });

    it.each(ILLEGAL)(
      '$from → $to: 409 naming the allowed next states, nothing emitted',
      async ({ from, to, allowed }) => {
        const company = `review-illegal-${from}-${to}`;
        const application = await h.applicationIn(company, from);
        await emitsNothing(company, async () => {
          const res = await move(company, application.id, { status: to });
          expectStatus(res, 409);
          expect(res.body).toMatchObject({ code: 'ILLEGAL_STATUS_TRANSITION', field: 'status' });
          expect(messageOf(res)).toContain(
            `status cannot go from ${from} to ${to}; allowed next states: ${allowed}`,
          );
        });
        expect((await read(company, application.id)).status).toBe(from);
      },
    );

    it.each([
      { label: 'hired (only an accepted offer hires)', body: { status: 'hired' }, field: 'status' },
      { label: 'submitted', body: { status: 'submitted' }, field: 'status' },
      { label: 'an unknown status', body: { status: 'archived' }, field: 'status' },
      { label: 'no status', body: {}, field: 'status' },
      { label: 'an unknown field', body: { status: 'reviewed', note: 'good fit' }, field: 'note' },
    ])('$label: 400 naming the field, nothing emitted', async ({ body, field }) => {
      const company = 'review-bad';
      const application = await h.applicationIn(company, 'shortlisted');
      await emitsNothing(company, async () => {
        expectBadRequest(await move(company, application.id, body), field);
      });
      expect((await read(company, application.id)).status).toBe('shortlisted');
    });

    it("an unknown id, an id that is not a UUID, another company's application: 404, left as it was", async () => {
      const owner = await tenant('review-owner');
      const intruder = await tenant('review-intruder');
      const application = await h.applicationIn(owner.company, 'submitted');
      await expectSilent(owner, async () => {
        await emitsNothing(intruder.company, async () => {
          for (const id of [randomUUID(), 'not-a-uuid', application.id]) {
            const res = await move(intruder.company, id, { status: 'reviewed' });
            expectStatus(res, 404);
            expect(res.body).toMatchObject({ code: 'APPLICATION_NOT_FOUND' });
            expectStatus(await api(intruder.company).get(`/api/applications/${id}`), 404);
          }
        });
      });
      expect((await read(owner.company, application.id)).status).toBe('submitted');
    });
  });
});
