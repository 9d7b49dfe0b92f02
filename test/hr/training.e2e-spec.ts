import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { HR, UUID_ANY_CASE } from '../support/constants';
import { expectBadRequest, expectStatus, NOT_HR, useHrHarness } from './hr-harness';

// CONTRACT.md "Events": POST /api/trainings and POST /api/trainings/{id}/completions.

interface Training {
  id: string;
  title: string;
  cpfEligible: boolean;
}

describe('trainings', () => {
  const h = useHrHarness();
  const { auth, tenant, eventIds, emitsNothing, expectSilent, expectDelivered, hireEmployee } = h;

  const postTraining = (company: string, body: Record<string, unknown>, permissions = [HR]) =>
    request(h.server).post('/api/trainings').set(auth(company, permissions)).send(body);
  async function createTraining(company: string, cpfEligible: boolean): Promise<Training> {
    return expectStatus<Training>(
      await postTraining(company, {
        title: cpfEligible ? 'Excel avancé' : 'Accueil sécurité',
        cpfEligible,
      }),
      201,
    );
  }
  const complete = (
    company: string,
    trainingId: string,
    body: Record<string, unknown>,
    permissions = [HR],
  ) =>
    request(h.server)
      .post(`/api/trainings/${trainingId}/completions`)
      .set(auth(company, permissions))
      .send(body);

  describe('POST /api/trainings', () => {
    it.each([true, false])(
      'cpfEligible %s: 201 with the training, emits nothing',
      async (cpfEligible) => {
        const company = `training-${String(cpfEligible)}`;
        await emitsNothing(company, async () => {
          const training = expectStatus<Training>(
            await postTraining(company, { title: 'Management d’équipe', cpfEligible }),
            201,
          );
          expect(training).toMatchObject({
            id: expect.stringMatching(UUID_ANY_CASE),
            title: 'Management d’équipe',
            cpfEligible,
          });
        });
      },
    );

    const BAD_BODIES: [string, Record<string, unknown>, string][] = [
      ['no title', { cpfEligible: true }, 'title'],
      ['an empty body', {}, 'title'],
      ['an empty title', { title: '', cpfEligible: true }, 'title'],
      ['a title that is not a string', { title: 42, cpfEligible: true }, 'title'],
      ['no cpfEligible', { title: 'Excel' }, 'cpfEligible'],
      ['cpfEligible "yes"', { title: 'Excel', cpfEligible: 'yes' }, 'cpfEligible'],
      ['cpfEligible "true" (a string)', { title: 'Excel', cpfEligible: 'true' }, 'cpfEligible'],
      ['cpfEligible 1', { title: 'Excel', cpfEligible: 1 }, 'cpfEligible'],
      [
        'an unknown field',
        { title: 'Excel', cpfEligible: true, durationHours: 14 },
        'durationHours',
      ],
    ];
    it.each(BAD_BODIES)('%s: 400 naming the field, nothing emitted', async (_l, body, field) => {
      await emitsNothing('bad-training', async () => {
        expectBadRequest(await postTraining('bad-training', body), field);
      });
    });

    it('401 without a token; 403 without hr.manage', async () => {
      const body = { title: 'Excel', cpfEligible: true };
      expectStatus(await request(h.server).post('/api/trainings').send(body), 401);
      expectStatus(await postTraining('training-auth', body, NOT_HR), 403);
    });
  });

  describe('POST /api/trainings/{id}/completions', () => {
    const SUCCESSES: [string, boolean, number][] = [
      ['a CPF-eligible training, 14 h', true, 14],
      ['a CPF-eligible training, 0 h', true, 0],
      ['a CPF-eligible training, 1000 h (the maximum)', true, 1000],
      ['a training that is not CPF-eligible, 0 h', false, 0],
    ];
    it.each(SUCCESSES)(
      '%s: 201 with the completion, and delivers exactly training.completed',
      async (_label, cpfEligible, cpfHours) => {
        const hr = await tenant('complete');
        const { employeeId } = await hireEmployee(hr.company);
        const training = await createTraining(hr.company, cpfEligible);
        const before = await eventIds(hr.company);
        const completion = expectStatus(
          await complete(hr.company, training.id, { employeeId, cpfHours }),
          201,
        );
        expect(completion).toMatchObject({ employeeId, trainingId: training.id, cpfHours });
        await expectDelivered(hr, before, 'training.completed', {
          employeeId,
          trainingId: training.id,
          cpfHours,
        });
      },
    );

    it('every completion emits: two employees, one training, two events', async () => {
      const hr = await tenant('complete-two');
      const lea = await hireEmployee(hr.company);
      const noah = await hireEmployee(hr.company);
      const training = await createTraining(hr.company, true);
      for (const [employee, cpfHours] of [
        [lea, 7],
        [noah, 21],
      ] as const) {
        const before = await eventIds(hr.company);
        expectStatus(
          await complete(hr.company, training.id, { employeeId: employee.employeeId, cpfHours }),
          201,
        );
        await expectDelivered(hr, before, 'training.completed', {
          employeeId: employee.employeeId,
          trainingId: training.id,
          cpfHours,
        });
      }
    });

    describe('a bad body: 400 naming the field, nothing emitted', () => {
      const company = 'bad-completion';
      let employeeId: string;
      let eligible: Training;
      let notEligible: Training;
      beforeAll(async () => {
        ({ employeeId } = await hireEmployee(company));
        eligible = await createTraining(company, true);
        notEligible = await createTraining(company, false);
      });
      const CASES: [string, () => [Training, Record<string, unknown>], string][] = [
        ['no cpfHours', () => [eligible, { employeeId }], 'cpfHours'],
        ['cpfHours -1', () => [eligible, { employeeId, cpfHours: -1 }], 'cpfHours'],
        ['cpfHours 1001', () => [eligible, { employeeId, cpfHours: 1001 }], 'cpfHours'],
        ['cpfHours "14" (a string)', () => [eligible, { employeeId, cpfHours: '14' }], 'cpfHours'],
        ['cpfHours null', () => [eligible, { employeeId, cpfHours: null }], 'cpfHours'],
        [
          'cpfHours > 0 for a training that is not CPF-eligible',
          () => [notEligible, { employeeId, cpfHours: 5 }],
          'cpfHours',
        ],
        ['no employeeId', () => [eligible, { cpfHours: 14 }], 'employeeId'],
        ['an empty body', () => [eligible, {}], 'employeeId'],
        [
          'an employeeId that is a number',
          () => [eligible, { employeeId: 42, cpfHours: 14 }],
          'employeeId',
        ],
        [
          'an unknown field',
          () => [eligible, { employeeId, cpfHours: 14, completedAt: '2026-05-01' }],
          'completedAt',
        ],
      ];
      it.each(CASES)('%s', async (_label, input, field) => {
        const [training, body] = input();
        await emitsNothing(company, async () => {
          expectBadRequest(await complete(company, training.id, body), field);
        });
      });
    });

    it("an unknown training, a non-UUID id, an unknown employee, another company's: 404", async () => {
      const owner = await tenant('completion-owner');
      const intruder = await tenant('completion-intruder');
      const ownEmployee = await hireEmployee(owner.company);
      const ownTraining = await createTraining(owner.company, true);
      const theirEmployee = await hireEmployee(intruder.company);
      const theirTraining = await createTraining(intruder.company, true);
      await expectSilent(owner, async () => {
        await expectSilent(intruder, async () => {
          const body = { employeeId: theirEmployee.employeeId, cpfHours: 14 };
          expectStatus(await complete(intruder.company, randomUUID(), body), 404);
          expectStatus(await complete(intruder.company, 'not-a-uuid', body), 404);
          expectStatus(
            await complete(intruder.company, theirTraining.id, {
              employeeId: randomUUID(),
              cpfHours: 14,
            }),
            404,
          );
          // the owner's training, the owner's employee
          expectStatus(await complete(intruder.company, ownTraining.id, body), 404);
          expectStatus(
            await complete(intruder.company, theirTraining.id, {
              employeeId: ownEmployee.employeeId,
              cpfHours: 14,
            }),
            404,
          );
          expectStatus(
            await complete(intruder.company, ownTraining.id, {
              employeeId: ownEmployee.employeeId,
              cpfHours: 14,
            }),
            404,
          );
        });
      });
    });

    it('a terminated employee: 409, nothing emitted', async () => {
      const hr = await tenant('completion-terminated');
      const { employeeId } = await hireEmployee(hr.company);
      const training = await createTraining(hr.company, true);
      const terminated = await request(h.server)
        .post(`/api/employees/${employeeId}/termination`)
        .set(auth(hr.company))
        .send({ terminationDate: '2026-06-30', reason: 'RESIGNATION' });
      expect([200, 201]).toContain(terminated.status);
      await expectSilent(hr, async () => {
        await emitsNothing(hr.company, async () => {
          expectStatus(await complete(hr.company, training.id, { employeeId, cpfHours: 14 }), 409);
        });
        expectStatus(await complete(hr.company, training.id, { employeeId, cpfHours: 0 }), 409);
      });
    });

    it('401 without a token; 403 without hr.manage; nothing emitted', async () => {
      const hr = await tenant('completion-auth');
      const { employeeId } = await hireEmployee(hr.company);
      const training = await createTraining(hr.company, true);
      await expectSilent(hr, async () => {
        expectStatus(
          await request(h.server)
            .post(`/api/trainings/${training.id}/completions`)
            .send({ employeeId, cpfHours: 14 }),
          401,
        );
        expectStatus(
          await complete(hr.company, training.id, { employeeId, cpfHours: 14 }, NOT_HR),
          403,
        );
      });
    });

    it('the failing variants (400, 404, 409, 403) emit nothing: no event, no delivery', async () => {
      const hr = await tenant('completion-silent');
      const { employeeId } = await hireEmployee(hr.company);
      const eligible = await createTraining(hr.company, true);
      const notEligible = await createTraining(hr.company, false);
      await expectSilent(hr, async () => {
        expectStatus(await complete(hr.company, eligible.id, { employeeId, cpfHours: 1001 }), 400);
        expectStatus(await complete(hr.company, notEligible.id, { employeeId, cpfHours: 3 }), 400);
        expectStatus(
          await complete(hr.company, eligible.id, { employeeId, cpfHours: 1, x: 1 }),
          400,
        );
        expectStatus(await complete(hr.company, randomUUID(), { employeeId, cpfHours: 1 }), 404);
        expectStatus(
          await complete(hr.company, eligible.id, { employeeId: randomUUID(), cpfHours: 1 }),
          404,
        );
        expectStatus(
          await complete(hr.company, eligible.id, { employeeId, cpfHours: 1 }, NOT_HR),
          403,
        );
      });
    });
  });
});
