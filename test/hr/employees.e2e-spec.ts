import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { HR } from '../support/constants';
import {
  CDI,
  type ContractBody,
  expectBadRequest,
  expectStatus,
  NOT_HR,
  useHrHarness,
} from './hr-harness';

// CONTRACT.md "Events": POST /api/employees/{id}/termination and GET /api/employees/{id}.

const REASONS = [
  'RESIGNATION',
  'DISMISSAL',
  'RUPTURE_CONVENTIONNELLE',
  'END_OF_FIXED_TERM',
  'RETIREMENT',
  'TRIAL_PERIOD_END',
] as const;
const CDD: ContractBody = { contractType: 'CDD', startDate: '2026-03-01', endDate: '2026-08-31' };

describe('employees', () => {
  const h = useHrHarness();
  const { auth, tenant, eventIds, emitsNothing, expectSilent, expectDelivered, hireEmployee } = h;

  const terminate = (
    company: string,
    employeeId: string,
    body: Record<string, unknown>,
    permissions = [HR],
  ) =>
    request(h.server)
      .post(`/api/employees/${employeeId}/termination`)
      .set(auth(company, permissions))
      .send(body);
  const getEmployee = (company: string, id: string, permissions = [HR]) =>
    request(h.server).get(`/api/employees/${id}`).set(auth(company, permissions));

  describe('GET /api/employees/{id}', () => {
    it('200 with the employee, before and after the contract is signed', async () => {
      const company = 'get-employee';
      const { employeeId, contractId } = await hireEmployee(company, CDI, false);
      expect(expectStatus(await getEmployee(company, employeeId), 200)).toMatchObject({
        id: employeeId,
      });
      expectStatus(
        await request(h.server).post(`/api/contracts/${contractId}/sign`).set(auth(company)).send(),
        200,
      );
      expect(expectStatus(await getEmployee(company, employeeId), 200)).toMatchObject({
        id: employeeId,
      });
    });

    it("an unknown id, a non-UUID id, another company's employee: 404", async () => {
      const { employeeId } = await hireEmployee('get-employee-owner');
      expectStatus(await getEmployee('get-employee-intruder', randomUUID()), 404);
      expectStatus(await getEmployee('get-employee-intruder', 'not-a-uuid'), 404);
      expectStatus(await getEmployee('get-employee-intruder', employeeId), 404);
    });

    it('401 without a token; 403 without hr.manage', async () => {
      const { employeeId } = await hireEmployee('get-employee-auth');
      expectStatus(await request(h.server).get(`/api/employees/${employeeId}`), 401);
      expectStatus(await getEmployee('get-employee-auth', employeeId, NOT_HR), 403);
    });
  });

  describe('POST /api/employees/{id}/termination', () => {
    it.each(REASONS)(
      '%s: 200 with the employee, and delivers exactly employee.terminated',
      async (reason) => {
        const payroll = await tenant(`terminate-${reason.toLowerCase()}`);
        const contract = reason === 'END_OF_FIXED_TERM' ? CDD : CDI;
        const { employeeId, contractId } = await hireEmployee(payroll.company, contract);
        const before = await eventIds(payroll.company);
        const answer = expectStatus(
          await terminate(payroll.company, employeeId, { terminationDate: '2026-08-31', reason }),
          200,
        );
        expect(answer).toMatchObject({ id: employeeId, terminationDate: '2026-08-31' });
        await expectDelivered(payroll, before, 'employee.terminated', {
          employeeId,
          terminationDate: '2026-08-31',
          reason,
          contractId,
          contractType: contract.contractType,
        });
        // the employee is still there, terminated
        expect(expectStatus(await getEmployee(payroll.company, employeeId), 200)).toMatchObject({
          id: employeeId,
          terminationDate: '2026-08-31',
        });
      },
    );

    it('a termination on the contract start date is allowed (not before it)', async () => {
      const payroll = await tenant('terminate-same-day');
      const { employeeId, contractId } = await hireEmployee(payroll.company);
      const before = await eventIds(payroll.company);
      expectStatus(
        await terminate(payroll.company, employeeId, {
          terminationDate: '2026-03-01',
          reason: 'TRIAL_PERIOD_END',
        }),
        200,
      );
      await expectDelivered(payroll, before, 'employee.terminated', {
        employeeId,
        terminationDate: '2026-03-01',
        reason: 'TRIAL_PERIOD_END',
        contractId,
        contractType: 'CDI',
      });
    });

    it('terminating twice: 409, nothing emitted', async () => {
      const payroll = await tenant('terminate-twice');
      const { employeeId } = await hireEmployee(payroll.company);
      expectStatus(
        await terminate(payroll.company, employeeId, {
          terminationDate: '2026-06-30',
          reason: 'RESIGNATION',
        }),
        200,
      );
      await expectSilent(payroll, async () => {
        await emitsNothing(payroll.company, async () => {
          expectStatus(
            await terminate(payroll.company, employeeId, {
              terminationDate: '2026-06-30',
              reason: 'RESIGNATION',
            }),
            409,
          );
        });
        expectStatus(
          await terminate(payroll.company, employeeId, {
            terminationDate: '2026-07-31',
            reason: 'DISMISSAL',
          }),
          409,
        );
      });
    });

    it('an employee whose contract is not signed: 409, nothing emitted', async () => {
      const payroll = await tenant('terminate-unsigned');
      const { employeeId, contractId } = await hireEmployee(payroll.company, CDI, false);
      await expectSilent(payroll, async () => {
        expectStatus(
          await terminate(payroll.company, employeeId, {
            terminationDate: '2026-06-30',
            reason: 'TRIAL_PERIOD_END',
          }),
          409,
        );
      });
      // once signed, the same termination goes through
      expectStatus(
        await request(h.server)
          .post(`/api/contracts/${contractId}/sign`)
          .set(auth(payroll.company))
          .send(),
        200,
      );
      expectStatus(
        await terminate(payroll.company, employeeId, {
          terminationDate: '2026-06-30',
          reason: 'TRIAL_PERIOD_END',
        }),
        200,
      );
    });

    describe('a bad body: 400 naming the field, nothing emitted', () => {
      const company = 'bad-termination';
      let employeeId: string;
      beforeAll(async () => {
        ({ employeeId } = await hireEmployee(company));
      });
      const CASES: [string, Record<string, unknown>, string][] = [
        ['no terminationDate', { reason: 'RESIGNATION' }, 'terminationDate'],
        ['no reason', { terminationDate: '2026-06-30' }, 'reason'],
        ['an empty body', {}, 'terminationDate'],
        ['an unknown reason', { terminationDate: '2026-06-30', reason: 'FIRED' }, 'reason'],
        ['a lower-case reason', { terminationDate: '2026-06-30', reason: 'resignation' }, 'reason'],
        ['a reason that is not a string', { terminationDate: '2026-06-30', reason: 3 }, 'reason'],
        [
          'terminationDate 2026-02-30 (no such day)',
          { terminationDate: '2026-02-30', reason: 'RESIGNATION' },
          'terminationDate',
        ],
        [
          'terminationDate 26-01-01 (not YYYY-MM-DD)',
          { terminationDate: '26-01-01', reason: 'RESIGNATION' },
          'terminationDate',
        ],
        [
          'terminationDate 2026-13-01 (no such month)',
          { terminationDate: '2026-13-01', reason: 'RESIGNATION' },
          'terminationDate',
        ],
        [
          'terminationDate with a time',
          { terminationDate: '2026-06-30T17:00:00Z', reason: 'RESIGNATION' },
          'terminationDate',
        ],
        [
          'terminationDate before the contract start date',
          { terminationDate: '2026-02-28', reason: 'RESIGNATION' },
          'terminationDate',
        ],
        [
          'an unknown field',
          { terminationDate: '2026-06-30', reason: 'RESIGNATION', noticeDays: 30 },
          'noticeDays',
        ],
      ];
      it.each(CASES)('%s', async (_label, body, field) => {
        await emitsNothing(company, async () => {
          expectBadRequest(await terminate(company, employeeId, body), field);
        });
      });
      it('none of them terminated the employee: a valid termination still goes through', async () => {
        expectStatus(
          await terminate(company, employeeId, {
            terminationDate: '2026-06-30',
            reason: 'RESIGNATION',
          }),
          200,
        );
      });
    });

    it("an unknown id, a non-UUID id, another company's employee: 404, nothing emitted", async () => {
      const owner = await tenant('terminate-owner');
      const intruder = await tenant('terminate-intruder');
      const { employeeId } = await hireEmployee(owner.company);
      const body = { terminationDate: '2026-06-30', reason: 'DISMISSAL' };
      await expectSilent(owner, async () => {
        await expectSilent(intruder, async () => {
          expectStatus(await terminate(intruder.company, randomUUID(), body), 404);
          expectStatus(await terminate(intruder.company, 'not-a-uuid', body), 404);
          expectStatus(await terminate(intruder.company, employeeId, body), 404);
        });
      });
      // left as it was: the owner can terminate it
      expectStatus(await terminate(owner.company, employeeId, body), 200);
    });

    it('401 without a token; 403 without hr.manage; nothing emitted', async () => {
      const payroll = await tenant('terminate-auth');
      const { employeeId } = await hireEmployee(payroll.company);
      const body = { terminationDate: '2026-06-30', reason: 'RETIREMENT' };
      await expectSilent(payroll, async () => {
        expectStatus(
          await request(h.server).post(`/api/employees/${employeeId}/termination`).send(body),
          401,
        );
        expectStatus(await terminate(payroll.company, employeeId, body, NOT_HR), 403);
      });
      expectStatus(await terminate(payroll.company, employeeId, body), 200);
    });

    it('the failing variants (400, 404, 409, 403) emit nothing: no event, no delivery', async () => {
      const payroll = await tenant('terminate-silent');
      const other = await tenant('terminate-silent-other');
      const active = await hireEmployee(payroll.company);
      const unsigned = await hireEmployee(payroll.company, CDI, false);
      const gone = await hireEmployee(payroll.company);
      const foreign = await hireEmployee(other.company);
      const ok = { terminationDate: '2026-06-30', reason: 'DISMISSAL' };
      expectStatus(await terminate(payroll.company, gone.employeeId, ok), 200);
      await expectSilent(payroll, async () => {
        expectStatus(
          await terminate(payroll.company, active.employeeId, { ...ok, reason: 'FIRED' }),
          400,
        );
        expectStatus(
          await terminate(payroll.company, active.employeeId, {
            ...ok,
            terminationDate: '2026-02-30',
          }),
          400,
        );
        expectStatus(
          await terminate(payroll.company, active.employeeId, {
            ...ok,
            terminationDate: '2026-01-15',
          }),
          400,
        );
        expectStatus(await terminate(payroll.company, active.employeeId, { ...ok, x: 1 }), 400);
        expectStatus(await terminate(payroll.company, randomUUID(), ok), 404);
        expectStatus(await terminate(payroll.company, foreign.employeeId, ok), 404);
        expectStatus(await terminate(payroll.company, unsigned.employeeId, ok), 409);
        expectStatus(await terminate(payroll.company, gone.employeeId, ok), 409);
        expectStatus(await terminate(payroll.company, active.employeeId, ok, NOT_HR), 403);
      });
    });
  });
});
