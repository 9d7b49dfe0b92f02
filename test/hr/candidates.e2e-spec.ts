import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { HR, ISO_DATE_TIME, UUID_ANY_CASE } from '../support/constants';
import { expectBadRequest, expectStatus, messageOf, NOT_HR, useHrHarness } from './hr-harness';

// CONTRACT.md "Events": POST /api/candidates and PATCH /api/candidates/{id}/status.

const STATUSES = ['new', 'screening', 'interview', 'offer', 'hired', 'rejected'] as const;
type Status = (typeof STATUSES)[number];
/** The life cycle table: new → screening → interview → offer → hired; all but hired → rejected. */
const NEXT: Record<Status, Status[]> = {
  new: ['screening', 'rejected'],
  screening: ['interview', 'rejected'],
  interview: ['offer', 'rejected'],
  offer: ['hired', 'rejected'],
  hired: [],
  rejected: [],
};
const ALLOWED_MOVES: [Status, Status][] = STATUSES.flatMap((from) =>
  NEXT[from].map((to): [Status, Status] => [from, to]),
);
const ILLEGAL_MOVES: [Status, Status][] = [
  ['new', 'interview'],
  ['new', 'offer'],
  ['new', 'hired'],
  ['new', 'new'],
  ['screening', 'new'],
  ['screening', 'offer'],
  ['screening', 'hired'],
  ['interview', 'new'],
  ['interview', 'screening'],
  ['interview', 'hired'],
  ['offer', 'new'],
  ['offer', 'screening'],
  ['offer', 'interview'],
  ['hired', 'rejected'],
  ['hired', 'new'],
  ['hired', 'offer'],
  ['hired', 'hired'],
  ['rejected', 'screening'],
  ['rejected', 'new'],
  ['rejected', 'hired'],
  ['rejected', 'rejected'],
];

interface Candidate {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: string;
  createdAt?: string;
}

describe('candidates', () => {
  const h = useHrHarness();
  const { uniqueEmail, auth, tenant, eventIds, emitsNothing, expectSilent, expectDelivered } = h;

  const postCandidate = (company: string, body: Record<string, unknown>, permissions = [HR]) =>
    request(h.server).post('/api/candidates').set(auth(company, permissions)).send(body);
  const move = (company: string, id: string, body: Record<string, unknown>, permissions = [HR]) =>
    request(h.server)
      .patch(`/api/candidates/${id}/status`)
      .set(auth(company, permissions))
      .send(body);
  async function createCandidate(company: string, email = uniqueEmail()): Promise<Candidate> {
    return expectStatus<Candidate>(
      await postCandidate(company, { firstName: 'Léa', lastName: 'Martin', email }),
      201,
    );
  }
  /** A new candidate moved along the life cycle to `status`. */
  async function candidateIn(company: string, status: Status): Promise<Candidate> {
    const candidate = await createCandidate(company);
    const path: Status[] =
      status === 'rejected'
        ? ['rejected']
        : (['screening', 'interview', 'offer', 'hired'] as Status[]).slice(
            0,
            STATUSES.indexOf(status),
          );
    for (const next of path) expectStatus(await move(company, candidate.id, { status: next }), 200);
    return { ...candidate, status };
  }

  describe('POST /api/candidates', () => {
    it('201 with the candidate (status new), and delivers exactly candidate.created', async () => {
      const ats = await tenant('create');
      const before = await eventIds(ats.company);
      const startedAt = Date.now();
      const candidate = expectStatus<Candidate>(
        await postCandidate(ats.company, {
          firstName: 'Léa',
          lastName: 'Martin',
          email: 'lea.martin@example.com',
        }),
        201,
      );
      expect(candidate).toMatchObject({
        id: expect.stringMatching(UUID_ANY_CASE),
        firstName: 'Léa',
        lastName: 'Martin',
        email: 'lea.martin@example.com',
        status: 'new',
      });

      const delivered = await expectDelivered(ats, before, 'candidate.created', {
        candidateId: candidate.id,
        firstName: 'Léa',
        lastName: 'Martin',
        email: 'lea.martin@example.com',
        status: 'new',
        createdAt: expect.stringMatching(ISO_DATE_TIME),
      });
      const createdAt = new Date(String(delivered.data.createdAt)).getTime();
      expect(createdAt).toBeGreaterThanOrEqual(startedAt - 2_000);
      expect(createdAt).toBeLessThanOrEqual(Date.now() + 2_000);
      if (candidate.createdAt !== undefined) {
        expect(new Date(candidate.createdAt).getTime()).toBe(createdAt);
      }
    });

    it('the same email twice in one company is 409 (case-insensitive) and emits nothing', async () => {
      const ats = await tenant('duplicate');
      const email = uniqueEmail('camille');
      await createCandidate(ats.company, email);
      await expectSilent(ats, async () => {
        for (const again of [email, email.toUpperCase()]) {
          await emitsNothing(ats.company, async () => {
            expectStatus(
              await postCandidate(ats.company, {
                firstName: 'Camille',
                lastName: 'Durand',
                email: again,
              }),
              409,
            );
          });
        }
      });

      const mixed = 'Mixed.Case.' + h.nextSequence().toString() + '@Example.com';
      await createCandidate(ats.company, mixed);
      expectStatus(
        await postCandidate(ats.company, {
          firstName: 'Camille',
          lastName: 'Durand',
          email: mixed.toLowerCase(),
        }),
        409,
      );
    });

    it('the same email in another company is a different candidate: 201', async () => {
      const email = uniqueEmail('shared');
      const a = await createCandidate((await tenant('share-a')).company, email);
      const b = await createCandidate((await tenant('share-b')).company, email);
      expect(b.id).not.toBe(a.id);
    });

    const BAD_BODIES: [string, (email: string) => Record<string, unknown>, string][] = [
      ['no firstName', (email) => ({ lastName: 'Martin', email }), 'firstName'],
      ['no lastName', (email) => ({ firstName: 'Léa', email }), 'lastName'],
      ['no email', () => ({ firstName: 'Léa', lastName: 'Martin' }), 'email'],
      ['an empty body', () => ({}), 'firstName'],
      [
        'an empty firstName',
        (email) => ({ firstName: '', lastName: 'Martin', email }),
        'firstName',
      ],
      ['an empty lastName', (email) => ({ firstName: 'Léa', lastName: '', email }), 'lastName'],
      [
        'a firstName that is not a string',
        (email) => ({ firstName: 42, lastName: 'Martin', email }),
        'firstName',
      ],
      [
        'an email that is not an email',
        () => ({ firstName: 'Léa', lastName: 'Martin', email: 'not-an-email' }),
        'email',
      ],
      [
        'an email without a domain',
        () => ({ firstName: 'Léa', lastName: 'Martin', email: 'lea.martin@' }),
        'email',
      ],
      [
        'an email that is not a string',
        (email) => ({ firstName: 'Léa', lastName: 'Martin', email: [email] }),
        'email',
      ],
      [
        'an unknown field',
        (email) => ({ firstName: 'Léa', lastName: 'Martin', email, phone: '+33 6 12 34 56 78' }),
        'phone',
      ],
      [
        'a status (not a body field)',
        (email) => ({ firstName: 'Léa', lastName: 'Martin', email, status: 'hired' }),
        'status',
      ],
    ];
    it.each(BAD_BODIES)(
      '%s: 400 naming the field, nothing emitted',
      async (_label, body, field) => {
        const company = 'bad-create';
        await emitsNothing(company, async () => {
          expectBadRequest(await postCandidate(company, body(uniqueEmail())), field);
        });
      },
    );

    it('401 without a token or with a bad one; 403 without hr.manage', async () => {
      const body = { firstName: 'Léa', lastName: 'Martin', email: uniqueEmail() };
      expectStatus(await request(h.server).post('/api/candidates').send(body), 401);
      expectStatus(
        await request(h.server)
          .post('/api/candidates')
          .set({ Authorization: `Bearer ${h.t.token('auth', [HR], { secret: 'not-the-key' })}` })
          .send(body),
        401,
      );
      await emitsNothing('auth', async () => {
        expectStatus(await postCandidate('auth', body, NOT_HR), 403);
      });
      // the refused requests stored nothing: the email is still free
      await createCandidate('auth', body.email);
    });

    it('the failing variants (400, 409, 403) emit nothing: no event, no delivery', async () => {
      const ats = await tenant('create-silent');
      const email = uniqueEmail();
      await createCandidate(ats.company, email);
      await expectSilent(ats, async () => {
        expectStatus(
          await postCandidate(ats.company, { firstName: 'A', lastName: 'B', email: 'nope' }),
          400,
        );
        expectStatus(
          await postCandidate(ats.company, { firstName: 'A', lastName: 'B', email, x: 1 }),
          400,
        );
        expectStatus(
          await postCandidate(ats.company, { firstName: 'A', lastName: 'B', email }),
          409,
        );
        expectStatus(
          await postCandidate(
            ats.company,
            { firstName: 'A', lastName: 'B', email: uniqueEmail() },
            NOT_HR,
          ),
          403,
        );
      });
    });
  });

  describe('PATCH /api/candidates/{id}/status', () => {
    it.each(ALLOWED_MOVES)(
      '%s → %s: 200 with the candidate, and delivers exactly candidate.status_changed',
      async (from, to) => {
        const ats = await tenant(`move-${from}-${to}`);
        const candidate = await candidateIn(ats.company, from);
        const before = await eventIds(ats.company);
        const moved = expectStatus<Candidate>(
          await move(ats.company, candidate.id, { status: to }),
          200,
        );
        expect(moved).toMatchObject({
          id: candidate.id,
          firstName: 'Léa',
          lastName: 'Martin',
          email: candidate.email,
          status: to,
        });
        await expectDelivered(ats, before, 'candidate.status_changed', {
          candidateId: candidate.id,
          oldStatus: from,
          newStatus: to,
        });
      },
    );

    it('the whole hiring path emits one status_changed per move, in order', async () => {
      const ats = await tenant('path');
      const candidate = await createCandidate(ats.company);
      let from: Status = 'new';
      for (const to of ['screening', 'interview', 'offer', 'hired'] as Status[]) {
        const before = await eventIds(ats.company);
        expectStatus(await move(ats.company, candidate.id, { status: to }), 200);
        await expectDelivered(ats, before, 'candidate.status_changed', {
          candidateId: candidate.id,
          oldStatus: from,
          newStatus: to,
        });
        from = to;
      }
    });

    it.each(ILLEGAL_MOVES)(
      '%s → %s: 409 listing the allowed next states, nothing emitted, status unchanged',
      async (from, to) => {
        const company = `illegal-${from}-${to}`;
        const candidate = await candidateIn(company, from);
        await emitsNothing(company, async () => {
          const res = await move(company, candidate.id, { status: to });
          expectStatus(res, 409);
          for (const allowed of NEXT[from]) expect(messageOf(res)).toContain(allowed);
        });
        if (NEXT[from].length > 0) {
          // still in `from`: its first allowed move goes through
          const next = NEXT[from][0];
          const moved = expectStatus<Candidate>(
            await move(company, candidate.id, { status: next }),
            200,
          );
          expect(moved.status).toBe(next);
        }
      },
    );

    const BAD_STATUS_BODIES: [string, Record<string, unknown>, string][] = [
      ['an unknown status', { status: 'archived' }, 'status'],
      ['an upper-case status', { status: 'SCREENING' }, 'status'],
      ['a status that is not a string', { status: 42 }, 'status'],
      ['no status', {}, 'status'],
      ['an unknown field', { status: 'screening', note: 'good fit' }, 'note'],
    ];
    it.each(BAD_STATUS_BODIES)(
      '%s: 400 naming the field, nothing emitted',
      async (_l, body, field) => {
        const company = 'bad-status';
        const candidate = await createCandidate(company);
        await emitsNothing(company, async () => {
          expectBadRequest(await move(company, candidate.id, body), field);
        });
        // still new
        expectStatus(await move(company, candidate.id, { status: 'screening' }), 200);
      },
    );

    it('an unknown id, an id that is not a UUID: 404', async () => {
      await emitsNothing('unknown-id', async () => {
        expectStatus(await move('unknown-id', randomUUID(), { status: 'screening' }), 404);
        expectStatus(await move('unknown-id', 'not-a-uuid', { status: 'screening' }), 404);
        expectStatus(await move('unknown-id', '12345', { status: 'screening' }), 404);
      });
    });

    it("another company's candidate: 404, and it is left as it was", async () => {
      const owner = await tenant('owner');
      const intruder = await tenant('intruder');
      const candidate = await createCandidate(owner.company);
      await emitsNothing(owner.company, async () => {
        await emitsNothing(intruder.company, async () => {
          expectStatus(await move(intruder.company, candidate.id, { status: 'screening' }), 404);
          expectStatus(await move(intruder.company, candidate.id, { status: 'rejected' }), 404);
        });
      });
      const moved = expectStatus<Candidate>(
        await move(owner.company, candidate.id, { status: 'screening' }),
        200,
      );
      expect(moved.status).toBe('screening');
    });

    it('401 without a token; 403 without hr.manage', async () => {
      const company = 'status-auth';
      const candidate = await createCandidate(company);
      await emitsNothing(company, async () => {
        expectStatus(
          await request(h.server)
            .patch(`/api/candidates/${candidate.id}/status`)
            .send({ status: 'screening' }),
          401,
        );
        expectStatus(await move(company, candidate.id, { status: 'screening' }, NOT_HR), 403);
      });
      expectStatus(await move(company, candidate.id, { status: 'screening' }), 200);
    });

    it('the failing variants (400, 404, 409, 403) emit nothing: no event, no delivery', async () => {
      const ats = await tenant('status-silent');
      const other = await tenant('status-silent-other');
      const fresh = await createCandidate(ats.company);
      const hired = await candidateIn(ats.company, 'hired');
      const foreign = await createCandidate(other.company);
      await expectSilent(ats, async () => {
        expectStatus(await move(ats.company, fresh.id, { status: 'archived' }), 400);
        expectStatus(await move(ats.company, fresh.id, { status: 'screening', x: 1 }), 400);
        expectStatus(await move(ats.company, randomUUID(), { status: 'screening' }), 404);
        expectStatus(await move(ats.company, 'not-a-uuid', { status: 'screening' }), 404);
        expectStatus(await move(ats.company, foreign.id, { status: 'screening' }), 404);
        expectStatus(await move(ats.company, fresh.id, { status: 'interview' }), 409);
        expectStatus(await move(ats.company, hired.id, { status: 'rejected' }), 409);
        expectStatus(await move(ats.company, fresh.id, { status: 'screening' }, NOT_HR), 403);
      });
    });
  });
});
