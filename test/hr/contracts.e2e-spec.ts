import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { HR, UUID_ANY_CASE } from '../support/constants';
import {
  type CandidateStatus as Status,
  expectBadRequest,
  expectStatus,
  NOT_HR,
  useHrHarness,
} from './hr-harness';

// CONTRACT.md "Events": POST /api/contracts, POST /api/contracts/{id}/sign, GET /api/contracts/{id}.

const CONTRACT_TYPES = ['CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE'] as const;

interface Contract {
  id: string;
  employeeId: string;
  contractType: string;
  startDate: string;
  endDate?: string | null;
}

describe('contracts', () => {
  const h = useHrHarness();
  const { auth, tenant, eventIds, emitsNothing, expectSilent, expectDelivered, candidateIn } = h;

  const postContract = (company: string, body: Record<string, unknown>, permissions = [HR]) =>
    request(h.server).post('/api/contracts').set(auth(company, permissions)).send(body);
  const sign = (company: string, id: string, permissions = [HR]) =>
    request(h.server).post(`/api/contracts/${id}/sign`).set(auth(company, permissions)).send();
  const getContract = (company: string, id: string, permissions = [HR]) =>
    request(h.server).get(`/api/contracts/${id}`).set(auth(company, permissions));
  async function contractFor(
    company: string,
    body: Record<string, unknown> = { contractType: 'CDI', startDate: '2026-03-01' },
  ): Promise<Contract> {
    const candidateId = await candidateIn(company, 'hired');
    return expectStatus<Contract>(await postContract(company, { candidateId, ...body }), 201);
  }

  describe('POST /api/contracts', () => {
    const VALID: Record<(typeof CONTRACT_TYPES)[number], Record<string, string>> = {
      CDI: { contractType: 'CDI', startDate: '2026-03-01' },
      CDD: { contractType: 'CDD', startDate: '2026-03-01', endDate: '2026-08-31' },
      INTERIM: { contractType: 'INTERIM', startDate: '2026-04-15' },
      APPRENTISSAGE: { contractType: 'APPRENTISSAGE', startDate: '2026-09-01' },
      STAGE: { contractType: 'STAGE', startDate: '2026-06-02' },
    };
    it.each(CONTRACT_TYPES)(
      '%s for a hired candidate: 201 with id and employeeId, emits nothing',
      async (contractType) => {
        const company = `create-${contractType}`;
        const candidateId = await candidateIn(company, 'hired');
        let contract: Contract | undefined;
        await emitsNothing(company, async () => {
          contract = expectStatus<Contract>(
            await postContract(company, { candidateId, ...VALID[contractType] }),
            201,
          );
        });
        expect(contract).toMatchObject({
          id: expect.stringMatching(UUID_ANY_CASE),
          employeeId: expect.stringMatching(UUID_ANY_CASE),
          ...VALID[contractType],
        });
        expect(contract!.employeeId).not.toBe(contract!.id);
      },
    );

    it('a CDD may end the day after it starts', async () => {
      const company = 'cdd-short';
      const candidateId = await candidateIn(company, 'hired');
      const contract = expectStatus<Contract>(
        await postContract(company, {
          candidateId,
          contractType: 'CDD',
          startDate: '2026-03-01',
          endDate: '2026-03-02',
        }),
        201,
      );
      expect(contract).toMatchObject({ endDate: '2026-03-02' });
    });

    describe('a bad body: 400 naming the field, nothing emitted', () => {
      const company = 'bad-contract';
      let candidateId: string;
      beforeAll(async () => {
        candidateId = await candidateIn(company, 'hired');
      });
      const CASES: [string, (candidateId: string) => Record<string, unknown>, string][] = [
        ['no candidateId', () => ({ contractType: 'CDI', startDate: '2026-03-01' }), 'candidateId'],
        ['an empty body', () => ({}), 'candidateId'],
        [
          'a candidateId that is not a string',
          () => ({ candidateId: 42, contractType: 'CDI', startDate: '2026-03-01' }),
          'candidateId',
        ],
        ['no contractType', (id) => ({ candidateId: id, startDate: '2026-03-01' }), 'contractType'],
        ['no startDate', (id) => ({ candidateId: id, contractType: 'CDI' }), 'startDate'],
        [
          'an unknown contractType',
          (id) => ({ candidateId: id, contractType: 'FREELANCE', startDate: '2026-03-01' }),
          'contractType',
        ],
        [
          'a lower-case contractType',
          (id) => ({ candidateId: id, contractType: 'cdi', startDate: '2026-03-01' }),
          'contractType',
        ],
        [
          'startDate 2026-02-30 (no such day)',
          (id) => ({ candidateId: id, contractType: 'CDI', startDate: '2026-02-30' }),
          'startDate',
        ],
        [
          'startDate 2026-13-01 (no such month)',
          (id) => ({ candidateId: id, contractType: 'CDI', startDate: '2026-13-01' }),
          'startDate',
        ],
        [
          'startDate 26-01-01 (not YYYY-MM-DD)',
          (id) => ({ candidateId: id, contractType: 'CDI', startDate: '26-01-01' }),
          'startDate',
        ],
        [
          'startDate 2026-3-1 (not YYYY-MM-DD)',
          (id) => ({ candidateId: id, contractType: 'CDI', startDate: '2026-3-1' }),
          'startDate',
        ],
        [
          'startDate with a time',
          (id) => ({ candidateId: id, contractType: 'CDI', startDate: '2026-03-01T00:00:00Z' }),
          'startDate',
        ],
        [
          'startDate that is not a string',
          (id) => ({ candidateId: id, contractType: 'CDI', startDate: 20260301 }),
          'startDate',
        ],
        [
          'a CDD without endDate',
          (id) => ({ candidateId: id, contractType: 'CDD', startDate: '2026-03-01' }),
          'endDate',
        ],
        [
          'a CDD whose endDate is before startDate',
          (id) => ({
            candidateId: id,
            contractType: 'CDD',
            startDate: '2026-03-01',
            endDate: '2026-02-28',
          }),
          'endDate',
        ],
        [
          'a CDD whose endDate is startDate',
          (id) => ({
            candidateId: id,
            contractType: 'CDD',
            startDate: '2026-03-01',
            endDate: '2026-03-01',
          }),
          'endDate',
        ],
        [
          'endDate 2026-02-30',
          (id) => ({
            candidateId: id,
            contractType: 'CDD',
            startDate: '2026-01-01',
            endDate: '2026-02-30',
          }),
          'endDate',
        ],
        [
          'endDate 27-01-01',
          (id) => ({
            candidateId: id,
            contractType: 'CDD',
            startDate: '2026-01-01',
            endDate: '27-01-01',
          }),
          'endDate',
        ],
        [
          'an unknown field',
          (id) => ({
            candidateId: id,
            contractType: 'CDI',
            startDate: '2026-03-01',
            salary: 42000,
          }),
          'salary',
        ],
      ];
      it.each(CASES)('%s', async (_label, body, field) => {
        await emitsNothing(company, async () => {
          expectBadRequest(await postContract(company, body(candidateId)), field);
        });
      });
      it('none of them created a contract: the candidate can still get one', async () => {
        expectStatus(
          await postContract(company, {
            candidateId,
            contractType: 'CDI',
            startDate: '2026-03-01',
          }),
          201,
        );
      });
    });

    it.each(['new', 'screening', 'interview', 'offer', 'rejected'] as Status[])(
      'a candidate that is %s (not hired): 409, nothing emitted',
      async (status) => {
        const company = `not-hired-${status}`;
        const candidateId = await candidateIn(company, status);
        await emitsNothing(company, async () => {
          expectStatus(
            await postContract(company, {
              candidateId,
              contractType: 'CDI',
              startDate: '2026-03-01',
            }),
            409,
          );
        });
      },
    );

    it("an unknown candidate or another company's: 404, nothing emitted", async () => {
      const foreign = await candidateIn('contract-owner', 'hired');
      await emitsNothing('contract-intruder', async () => {
        for (const candidateId of [randomUUID(), foreign]) {
          expectStatus(
            await postContract('contract-intruder', {
              candidateId,
              contractType: 'CDI',
              startDate: '2026-03-01',
            }),
            404,
          );
        }
      });
      // the owner can still hire its candidate
      expectStatus(
        await postContract('contract-owner', {
          candidateId: foreign,
          contractType: 'CDI',
          startDate: '2026-03-01',
        }),
        201,
      );
    });

    it('401 without a token; 403 without hr.manage', async () => {
      const company = 'contract-auth';
      const candidateId = await candidateIn(company, 'hired');
      const body = { candidateId, contractType: 'CDI', startDate: '2026-03-01' };
      expectStatus(await request(h.server).post('/api/contracts').send(body), 401);
      expectStatus(await postContract(company, body, NOT_HR), 403);
      expectStatus(await postContract(company, body), 201);
    });
  });

  describe('POST /api/contracts/{id}/sign', () => {
    it('200 with the contract, and delivers exactly contract.signed', async () => {
      const payroll = await tenant('sign');
      const contract = await contractFor(payroll.company);
      const before = await eventIds(payroll.company);
      const signed = expectStatus<Contract>(await sign(payroll.company, contract.id), 200);
      expect(signed).toMatchObject({
        id: contract.id,
        employeeId: contract.employeeId,
        contractType: 'CDI',
        startDate: '2026-03-01',
      });
      await expectDelivered(payroll, before, 'contract.signed', {
        contractId: contract.id,
        employeeId: contract.employeeId,
        contractType: 'CDI',
        startDate: '2026-03-01',
      });
    });

    it('a CDD: contract.signed carries its type and start date (and nothing else)', async () => {
      const payroll = await tenant('sign-cdd');
      const contract = await contractFor(payroll.company, {
        contractType: 'CDD',
        startDate: '2026-05-04',
        endDate: '2026-11-03',
      });
      const before = await eventIds(payroll.company);
      expectStatus(await sign(payroll.company, contract.id), 200);
      await expectDelivered(payroll, before, 'contract.signed', {
        contractId: contract.id,
        employeeId: contract.employeeId,
        contractType: 'CDD',
        startDate: '2026-05-04',
      });
    });

    it('signing twice: 409, nothing emitted', async () => {
      const payroll = await tenant('sign-twice');
      const contract = await contractFor(payroll.company);
      expectStatus(await sign(payroll.company, contract.id), 200);
      await expectSilent(payroll, async () => {
        await emitsNothing(payroll.company, async () => {
          expectStatus(await sign(payroll.company, contract.id), 409);
        });
        expectStatus(await sign(payroll.company, contract.id), 409);
      });
    });

    it("an unknown id, a non-UUID id, another company's contract: 404, nothing emitted", async () => {
      const owner = await tenant('sign-owner');
      const intruder = await tenant('sign-intruder');
      const contract = await contractFor(owner.company);
      await expectSilent(owner, async () => {
        await expectSilent(intruder, async () => {
          expectStatus(await sign(intruder.company, randomUUID()), 404);
          expectStatus(await sign(intruder.company, 'not-a-uuid'), 404);
          expectStatus(await sign(intruder.company, contract.id), 404);
        });
      });
      // left unsigned: the owner signs it
      expectStatus(await sign(owner.company, contract.id), 200);
    });

    it('401 without a token; 403 without hr.manage; nothing emitted', async () => {
      const payroll = await tenant('sign-auth');
      const contract = await contractFor(payroll.company);
      await expectSilent(payroll, async () => {
        expectStatus(
          await request(h.server).post(`/api/contracts/${contract.id}/sign`).send(),
          401,
        );
        expectStatus(await sign(payroll.company, contract.id, NOT_HR), 403);
      });
      expectStatus(await sign(payroll.company, contract.id), 200);
    });
  });

  describe('GET /api/contracts/{id}', () => {
    it('200 with the contract, before and after signing', async () => {
      const company = 'get-contract';
      const contract = await contractFor(company, {
        contractType: 'CDD',
        startDate: '2026-03-01',
        endDate: '2026-09-30',
      });
      const fields = {
        id: contract.id,
        employeeId: contract.employeeId,
        contractType: 'CDD',
        startDate: '2026-03-01',
        endDate: '2026-09-30',
      };
      expect(expectStatus(await getContract(company, contract.id), 200)).toMatchObject(fields);
      expectStatus(await sign(company, contract.id), 200);
      expect(expectStatus(await getContract(company, contract.id), 200)).toMatchObject(fields);
    });

    it("an unknown id, a non-UUID id, another company's contract: 404", async () => {
      const contract = await contractFor('get-owner');
      expectStatus(await getContract('get-intruder', randomUUID()), 404);
      expectStatus(await getContract('get-intruder', 'not-a-uuid'), 404);
      expectStatus(await getContract('get-intruder', contract.id), 404);
    });

    it('401 without a token; 403 without hr.manage', async () => {
      const contract = await contractFor('get-auth');
      expectStatus(await request(h.server).get(`/api/contracts/${contract.id}`), 401);
      expectStatus(await getContract('get-auth', contract.id, NOT_HR), 403);
    });
  });

  it('the failing variants (400, 404, 409, 403) emit nothing: no event, no delivery', async () => {
    const payroll = await tenant('contract-silent');
    const other = await tenant('contract-silent-other');
    const hired = await candidateIn(payroll.company, 'hired');
    const offer = await candidateIn(payroll.company, 'offer');
    const foreignCandidate = await candidateIn(other.company, 'hired');
    const foreignContract = await contractFor(other.company);
    const signed = await contractFor(payroll.company);
    expectStatus(await sign(payroll.company, signed.id), 200);
    const unsigned = await contractFor(payroll.company);
    await expectSilent(payroll, async () => {
      const body = { contractType: 'CDI', startDate: '2026-03-01' };
      expectStatus(
        await postContract(payroll.company, {
          candidateId: hired,
          contractType: 'CDD',
          startDate: '2026-03-01',
        }),
        400,
      );
      expectStatus(
        await postContract(payroll.company, {
          candidateId: hired,
          ...body,
          startDate: '2026-02-30',
        }),
        400,
      );
      expectStatus(await postContract(payroll.company, { candidateId: hired, ...body, x: 1 }), 400);
      expectStatus(await postContract(payroll.company, { candidateId: offer, ...body }), 409);
      expectStatus(
        await postContract(payroll.company, { candidateId: randomUUID(), ...body }),
        404,
      );
      expectStatus(
        await postContract(payroll.company, { candidateId: foreignCandidate, ...body }),
        404,
      );
      expectStatus(await sign(payroll.company, signed.id), 409);
      expectStatus(await sign(payroll.company, randomUUID()), 404);
      expectStatus(await sign(payroll.company, foreignContract.id), 404);
      expectStatus(await sign(payroll.company, unsigned.id, NOT_HR), 403);
    });
  });
});
