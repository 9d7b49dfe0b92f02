import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ISO_DATE_TIME, UUID } from '../support/constants';
import { expectBadRequest, expectStatus, messageOf } from './hr-harness';
import { JOB_BODY, type Job, useRecruitingHarness } from './recruiting-harness';

// /api/jobs: drafts, job.published + job_posting.published, job.closed with counts by state.

/** JOB_BODY without its optional fields. */
const { title, description, location, contractType } = JOB_BODY;
const REQUIRED = { title, description, location, contractType };

interface JobPage {
  items: Job[];
  nextCursor: string | null;
}

describe('jobs', () => {
  const h = useRecruitingHarness();
  const { api, tenant, eventIds, emitsNothing, expectSilent, expectDeliveredSet } = h;

  const publish = (company: string, id: string) => api(company).post(`/api/jobs/${id}/publish`);
  const close = (company: string, id: string, body: object = { reason: 'filled' }) =>
    api(company).post(`/api/jobs/${id}/close`, body);

  describe('POST /api/jobs', () => {
    it('201 with a draft job, which emits nothing', async () => {
      const ats = await tenant('job-create');
      await expectSilent(ats, async () => {
        const job = await h.draftJob(ats.company, { title: '  Développeuse backend ' });
        expect(job).toEqual({
          id: expect.stringMatching(UUID),
          ...JOB_BODY,
          status: 'draft',
          closeReason: null,
          publishedAt: null,
          closedAt: null,
          createdAt: expect.stringMatching(ISO_DATE_TIME),
          updatedAt: expect.stringMatching(ISO_DATE_TIME),
        });
        expect(expectStatus(await api(ats.company).get(`/api/jobs/${job.id}`), 200)).toEqual(job);
      });
    });

    it('the salary range and the skills are optional; a range may be open at one end', async () => {
      const bare = expectStatus<Job>(await api('job-optional').post('/api/jobs', REQUIRED), 201);
      expect(bare).toMatchObject({ salaryMin: null, salaryMax: null, skills: [] });
      const from = await h.draftJob('job-optional', { salaryMax: undefined, salaryMin: 40000 });
      expect(from).toMatchObject({ salaryMin: 40000, salaryMax: null });
      const exact = await h.draftJob('job-optional', { salaryMin: 50000, salaryMax: 50000 });
      expect(exact).toMatchObject({ salaryMin: 50000, salaryMax: 50000 });
    });

    const BAD: [string, object, string][] = [
      ['no title', { title: undefined }, 'title'],
      ['a blank title', { title: '   ' }, 'title'],
      ['no description', { description: undefined }, 'description'],
      ['a description over 10,000 characters', { description: 'x'.repeat(10_001) }, 'description'],
      ['no location', { location: undefined }, 'location'],
      ['a contract type not on the list', { contractType: 'FREELANCE' }, 'contractType'],
      ['a lower-case contract type', { contractType: 'cdi' }, 'contractType'],
      ['a negative salaryMin', { salaryMin: -1 }, 'salaryMin'],
      ['a salaryMin with decimals', { salaryMin: 45000.5 }, 'salaryMin'],
      ['a salaryMin as a string', { salaryMin: '45000' }, 'salaryMin'],
      ['a salaryMax below salaryMin', { salaryMin: 50000, salaryMax: 40000 }, 'salaryMax'],
      ['a salaryMax over 10,000,000', { salaryMax: 10_000_001 }, 'salaryMax'],
      ['skills that are not a list', { skills: 'SQL' }, 'skills'],
      ['a skill named twice', { skills: ['SQL', ' sql'] }, 'skills'],
      ['a status (drafts only)', { status: 'published' }, 'status'],
      ['an unknown field', { remote: true }, 'remote'],
    ];
    it.each(BAD)('%s: 400 naming the field, nothing stored', async (_l, override, field) => {
      const company = `job-bad-${h.nextSequence()}`;
      expectBadRequest(await api(company).post('/api/jobs', { ...JOB_BODY, ...override }), field);
      expect(expectStatus<JobPage>(await api(company).get('/api/jobs'), 200).items).toEqual([]);
    });
  });

  describe('POST /api/jobs/{id}/publish', () => {
    it('200 with the published job; job.published and job_posting.published carry the same posting', async () => {
      const ats = await tenant('job-publish');
      const draft = await h.draftJob(ats.company);
      const before = await eventIds(ats.company);
      const published = expectStatus<Job>(await publish(ats.company, draft.id), 200);
      expect(published).toMatchObject({
        id: draft.id,
        status: 'published',
        publishedAt: expect.stringMatching(ISO_DATE_TIME),
        closedAt: null,
      });
      const posting = {
        jobId: draft.id,
        title: JOB_BODY.title,
        description: JOB_BODY.description,
        location: JOB_BODY.location,
        contractType: 'CDI',
        salaryMin: 45000,
        salaryMax: 55000,
        skills: JOB_BODY.skills,
        publishedAt: published.publishedAt,
      };
      await expectDeliveredSet(ats, before, [
        { type: 'job.published', data: posting },
        { type: 'job_posting.published', data: posting },
      ]);
    });

    it('a posting without salary or skills says so (nulls, an empty list)', async () => {
      const ats = await tenant('job-publish-bare');
      const draft = expectStatus<Job>(await api(ats.company).post('/api/jobs', REQUIRED), 201);
      const before = await eventIds(ats.company);
      const published = expectStatus<Job>(await publish(ats.company, draft.id), 200);
      const posting = {
        jobId: draft.id,
        ...REQUIRED,
        salaryMin: null,
        salaryMax: null,
        skills: [],
        publishedAt: published.publishedAt,
      };
      await expectDeliveredSet(ats, before, [
        { type: 'job.published', data: posting },
        { type: 'job_posting.published', data: posting },
      ]);
    });
  });

  describe('POST /api/jobs/{id}/close', () => {
    it('job.closed counts the applications by state (filled)', async () => {
      const ats = await tenant('job-close');
      const job = await h.publishedJob(ats.company);
      for (const status of [
        'submitted',
        'submitted',
        'reviewed',
        'shortlisted',
        'rejected',
        'withdrawn',
      ] as const) {
        await h.applicationIn(ats.company, status, { jobId: job.id });
      }
      const before = await eventIds(ats.company);
      const closed = expectStatus<Job>(await close(ats.company, job.id, { reason: 'filled' }), 200);
      expect(closed).toMatchObject({
        status: 'closed',
        closeReason: 'filled',
        closedAt: expect.stringMatching(ISO_DATE_TIME),
        publishedAt: job.publishedAt,
      });
      await expectDeliveredSet(ats, before, [
        {
          type: 'job.closed',
          data: {
            jobId: job.id,
            reason: 'filled',
            closedAt: closed.closedAt,
            applications: {
              submitted: 2,
              reviewed: 1,
              shortlisted: 1,
              hired: 0,
              rejected: 1,
              withdrawn: 1,
            },
          },
        },
      ]);
    });

    it("job.closed (cancelled) of a job without applications counts zeros, not another job's", async () => {
      const ats = await tenant('job-cancel');
      const other = await h.publishedJob(ats.company);
      await h.applicationIn(ats.company, 'submitted', { jobId: other.id });
      const job = await h.publishedJob(ats.company);
      const before = await eventIds(ats.company);
      const closed = expectStatus<Job>(
        await close(ats.company, job.id, { reason: 'cancelled' }),
        200,
      );
      await expectDeliveredSet(ats, before, [
        {
          type: 'job.closed',
          data: {
            jobId: job.id,
            reason: 'cancelled',
            closedAt: closed.closedAt,
            applications: {
              submitted: 0,
              reviewed: 0,
              shortlisted: 0,
              hired: 0,
              rejected: 0,
              withdrawn: 0,
            },
          },
        },
      ]);
    });

    it.each([
      ['no reason', {}],
      ['an unknown reason', { reason: 'expired' }],
      ['an unknown field', { reason: 'filled', note: 'x' }],
    ])('%s: 400 naming the field, the job stays published', async (_l, body) => {
      const company = 'job-close-bad';
      const job = await h.publishedJob(company);
      await emitsNothing(company, async () => {
        expectBadRequest(await close(company, job.id, body), 'note' in body ? 'note' : 'reason');
      });
      expect(expectStatus<Job>(await api(company).get(`/api/jobs/${job.id}`), 200).status).toBe(
        'published',
      );
    });
  });

  describe('the job life cycle: draft → published → closed', () => {
    it('illegal moves are 409 naming the allowed next states, and emit nothing', async () => {
      const ats = await tenant('job-illegal');
      const draft = await h.draftJob(ats.company);
      const published = await h.publishedJob(ats.company);
      const closed = await h.publishedJob(ats.company);
      expectStatus(await close(ats.company, closed.id), 200);
      await expectSilent(ats, async () => {
        const cases: [Promise<request.Response>, RegExp][] = [
          [close(ats.company, draft.id), /from draft to closed; allowed next states: published/],
          [
            publish(ats.company, published.id),
            /from published to published; allowed next states: closed/,
          ],
          [
            publish(ats.company, closed.id),
            /from closed to published; allowed next states: none \(closed is final\)/,
          ],
          [
            close(ats.company, closed.id, { reason: 'cancelled' }),
            /from closed to closed; allowed next states: none/,
          ],
        ];
        for (const [call, message] of cases) {
          const res = await call;
          expectStatus(res, 409);
          expect(res.body).toMatchObject({ code: 'ILLEGAL_STATUS_TRANSITION' });
          expect(messageOf(res)).toMatch(message);
        }
      });
      const read = expectStatus<Job>(await api(ats.company).get(`/api/jobs/${closed.id}`), 200);
      expect(read).toMatchObject({ status: 'closed', closeReason: 'filled' });
    });
  });

  describe('unknown ids and other companies', () => {
    it("an unknown id, an id that is not a UUID, another company's job: 404, and it is left as it was", async () => {
      const owner = await tenant('job-owner');
      const intruder = await tenant('job-intruder');
      const draft = await h.draftJob(owner.company);
      const published = await h.publishedJob(owner.company);
      await expectSilent(owner, async () => {
        await emitsNothing(intruder.company, async () => {
          for (const id of [randomUUID(), 'not-a-uuid', draft.id, published.id]) {
            for (const res of [
              await api(intruder.company).get(`/api/jobs/${id}`),
              await publish(intruder.company, id),
              await close(intruder.company, id),
            ]) {
              expectStatus(res, 404);
              expect(res.body).toMatchObject({
                code: 'JOB_NOT_FOUND',
                message: ['No such job in your company'],
              });
            }
          }
        });
      });
      expect(
        expectStatus<Job>(await api(owner.company).get(`/api/jobs/${draft.id}`), 200).status,
      ).toBe('draft');
      expect(expectStatus<Job>(await publish(owner.company, draft.id), 200).status).toBe(
        'published',
      );
      expect(expectStatus<Job>(await close(owner.company, published.id), 200).status).toBe(
        'closed',
      );
    });

    it("GET /api/jobs pages the company's own jobs, newest first; a foreign or forged cursor is 400", async () => {
      const company = `job-list-${h.nextSequence()}`;
      const other = `job-list-other-${h.nextSequence()}`;
      const mine = [];
      for (let i = 0; i < 3; i++) mine.push(await h.draftJob(company, { title: `Poste ${i}` }));
      await h.draftJob(other);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: JobPage = expectStatus<JobPage>(
          await api(company).get(`/api/jobs?limit=2${query}`),
          200,
        );
        seen.push(...page.items.map((j) => j.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(mine.map((j) => j.id).reverse());

      const first = expectStatus<JobPage>(await api(other).get('/api/jobs?limit=1'), 200);
      expect(first.nextCursor).toBeNull();
      const own = expectStatus<JobPage>(await api(company).get('/api/jobs?limit=1'), 200);
      expectBadRequest(
        await api(other).get(`/api/jobs?cursor=${encodeURIComponent(own.nextCursor!)}`),
        'cursor',
      );
      expectBadRequest(await api(company).get('/api/jobs?cursor=forged.cursor'), 'cursor');
      expectBadRequest(await api(company).get('/api/jobs?limit=101'), 'limit');
    });
  });
});
