import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { expectBadRequest, expectStatus, NOT_HR } from './hr-harness';
import { useRecruitingHarness } from './recruiting-harness';

// PATCH /api/candidates/{id}: the profile (names, email, phone, skills) and candidate.updated.

interface Candidate {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  skills: string[];
  status: string;
}

describe('PATCH /api/candidates/{id}', () => {
  const h = useRecruitingHarness();
  const { api, tenant, eventIds, emitsNothing, expectSilent, expectDelivered, uniqueEmail } = h;

  async function createCandidate(company: string, email = uniqueEmail()): Promise<Candidate> {
    return expectStatus<Candidate>(
      await api(company).post('/api/candidates', { firstName: 'Léa', lastName: 'Martin', email }),
      201,
    );
  }
  const edit = (company: string, id: string, body: object, permissions?: string[]) =>
    api(company, permissions).patch(`/api/candidates/${id}`, body);

  it('a new candidate has no phone and no skills', async () => {
    const candidate = await createCandidate('profile-defaults');
    expect(candidate).toMatchObject({ phone: null, skills: [], status: 'new' });
  });

  it('200 with the edited candidate; candidate.updated carries every changed field, old and new', async () => {
    const ats = await tenant('profile-all');
    const candidate = await createCandidate(ats.company);
    const before = await eventIds(ats.company);
    const email = uniqueEmail('camille');
    const edited = expectStatus<Candidate>(
      await edit(ats.company, candidate.id, {
        firstName: ' Camille ',
        lastName: 'Durand',
        email: email.toUpperCase(),
        phone: '+33 6 12 34 56 78',
        skills: [' TypeScript', 'SQL '],
      }),
      200,
    );
    expect(edited).toMatchObject({
      id: candidate.id,
      firstName: 'Camille',
      lastName: 'Durand',
      email,
      phone: '+33 6 12 34 56 78',
      skills: ['TypeScript', 'SQL'],
      status: 'new',
    });
    await expectDelivered(ats, before, 'candidate.updated', {
      candidateId: candidate.id,
      changes: {
        firstName: { old: 'Léa', new: 'Camille' },
        lastName: { old: 'Martin', new: 'Durand' },
        email: { old: candidate.email, new: email },
        phone: { old: null, new: '+33 6 12 34 56 78' },
        skills: { old: [], new: ['TypeScript', 'SQL'] },
      },
    });
    const read = expectStatus<Candidate>(
      await api(ats.company).get(`/api/candidates/${candidate.id}`),
      200,
    );
    expect(read).toEqual(expect.objectContaining({ email, skills: ['TypeScript', 'SQL'] }));
  });

  it('only the fields that changed are in the event; phone null removes the number', async () => {
    const ats = await tenant('profile-some');
    const candidate = await createCandidate(ats.company);
    expectStatus(
      await edit(ats.company, candidate.id, { phone: '06 12 34 56 78', skills: ['SQL'] }),
      200,
    );

    let before = await eventIds(ats.company);
    expectStatus(
      await edit(ats.company, candidate.id, { firstName: 'Léa', lastName: 'Moreau' }),
      200,
    );
    await expectDelivered(ats, before, 'candidate.updated', {
      candidateId: candidate.id,
      changes: { lastName: { old: 'Martin', new: 'Moreau' } },
    });

    before = await eventIds(ats.company);
    const cleared = expectStatus<Candidate>(
      await edit(ats.company, candidate.id, { phone: null, skills: ['SQL', 'Go'] }),
      200,
    );
    expect(cleared.phone).toBeNull();
    await expectDelivered(ats, before, 'candidate.updated', {
      candidateId: candidate.id,
      changes: {
        phone: { old: '06 12 34 56 78', new: null },
        skills: { old: ['SQL'], new: ['SQL', 'Go'] },
      },
    });
  });

  it('an edit that changes nothing answers 200 and emits nothing: no event, no delivery', async () => {
    const ats = await tenant('profile-same');
    const candidate = await createCandidate(ats.company);
    expectStatus(await edit(ats.company, candidate.id, { skills: ['SQL', 'Go'] }), 200);
    await expectSilent(ats, async () => {
      for (const body of [
        {},
        { firstName: 'Léa' },
        { firstName: ' Léa ', lastName: 'Martin', email: candidate.email.toUpperCase() },
        { skills: ['Go', 'SQL'] },
        { phone: null },
      ]) {
        const same = expectStatus<Candidate>(await edit(ats.company, candidate.id, body), 200);
        expect(same).toMatchObject({ firstName: 'Léa', lastName: 'Martin', phone: null });
      }
    });
  });

  it("another candidate's email (in any case) is 409 and emits nothing; the candidate keeps its own", async () => {
    const ats = await tenant('profile-dup');
    const taken = await createCandidate(ats.company);
    const candidate = await createCandidate(ats.company);
    await expectSilent(ats, async () => {
      const res = await edit(ats.company, candidate.id, {
        lastName: 'Durand',
        email: taken.email.toUpperCase(),
      });
      expectStatus(res, 409);
      expect(res.body).toMatchObject({ code: 'DUPLICATE_CANDIDATE_EMAIL', field: 'email' });
    });
    const read = expectStatus<Candidate>(
      await api(ats.company).get(`/api/candidates/${candidate.id}`),
      200,
    );
    expect(read).toMatchObject({ email: candidate.email, lastName: 'Martin' });
    // the same email in another company is free
    const elsewhere = await createCandidate('profile-dup-other');
    const moved = expectStatus<Candidate>(
      await edit('profile-dup-other', elsewhere.id, { email: taken.email }),
      200,
    );
    expect(moved.email).toBe(taken.email);
  });

  const BAD: [string, object, string][] = [
    ['an empty firstName', { firstName: '  ' }, 'firstName'],
    ['a null firstName', { firstName: null }, 'firstName'],
    ['a lastName that is not a string', { lastName: 42 }, 'lastName'],
    ['a null email', { email: null }, 'email'],
    ['an email that is not one', { email: 'lea@' }, 'email'],
    ['a phone with letters', { phone: 'call me' }, 'phone'],
    ['a phone that is too short', { phone: '123' }, 'phone'],
    ['a phone that is a number', { phone: 612345678 }, 'phone'],
    ['a phone over 32 characters', { phone: `+${'1'.repeat(32)}` }, 'phone'],
    ['skills that are not a list', { skills: 'SQL' }, 'skills'],
    ['a skill that is empty', { skills: ['SQL', ' '] }, 'skills'],
    ['a skill that is not a string', { skills: ['SQL', 7] }, 'skills'],
    ['a skill named twice', { skills: ['SQL', 'sql'] }, 'skills'],
    ['a skill over 60 characters', { skills: ['x'.repeat(61)] }, 'skills'],
    ['51 skills', { skills: Array.from({ length: 51 }, (_, i) => `skill ${i}`) }, 'skills'],
    ['a status (its own route)', { status: 'screening' }, 'status'],
    ['an unknown field', { nickname: 'Lili' }, 'nickname'],
  ];
  it.each(BAD)(
    '%s: 400 naming the field, nothing emitted, nothing changed',
    async (_l, body, field) => {
      const company = 'profile-bad';
      const candidate = await createCandidate(company);
      await emitsNothing(company, async () => {
        expectBadRequest(await edit(company, candidate.id, { lastName: 'Durand', ...body }), field);
      });
      const read = expectStatus<Candidate>(
        await api(company).get(`/api/candidates/${candidate.id}`),
        200,
      );
      expect(read).toMatchObject({ lastName: 'Martin', phone: null, skills: [] });
    },
  );

  it("an unknown id, an id that is not a UUID, another company's candidate: 404, nothing changed", async () => {
    const owner = await tenant('profile-owner');
    const intruder = await tenant('profile-intruder');
    const candidate = await createCandidate(owner.company);
    await expectSilent(owner, async () => {
      await emitsNothing(intruder.company, async () => {
        expectStatus(await edit(intruder.company, randomUUID(), { lastName: 'X' }), 404);
        expectStatus(await edit(intruder.company, 'not-a-uuid', { lastName: 'X' }), 404);
        const res = await edit(intruder.company, candidate.id, { lastName: 'X', skills: ['SQL'] });
        expectStatus(res, 404);
        expect(res.body).toMatchObject({ code: 'CANDIDATE_NOT_FOUND' });
      });
    });
    const read = expectStatus<Candidate>(
      await api(owner.company).get(`/api/candidates/${candidate.id}`),
      200,
    );
    expect(read).toMatchObject({ lastName: 'Martin', skills: [] });
  });

  it('401 without a token; 403 without hr.manage (nothing changed)', async () => {
    const company = 'profile-auth';
    const candidate = await createCandidate(company);
    await emitsNothing(company, async () => {
      expectStatus(
        await request(h.server).patch(`/api/candidates/${candidate.id}`).send({ lastName: 'X' }),
        401,
      );
      expectStatus(await edit(company, candidate.id, { lastName: 'X' }, NOT_HR), 403);
    });
    const read = expectStatus<Candidate>(
      await api(company).get(`/api/candidates/${candidate.id}`),
      200,
    );
    expect(read.lastName).toBe('Martin');
  });
});
