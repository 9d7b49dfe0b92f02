import { Injectable } from '@nestjs/common';
import { CandidateRepository } from '../candidates/candidate.repository';
import { HrUnitOfWork } from '../common/hr-unit-of-work';
import { isRowId } from '../common/ids';
import { isUniqueViolation } from '../common/unique-violation';
import { EmployeeRepository } from '../employees/employee.repository';
import { HrError, HrErrorCode } from '../hr.errors';
import type { Contract } from './contract.entity';
import { ContractRepository } from './contract.repository';
import type { ContractDto } from './dto/contract.dto';
import type { CreateContractDto } from './dto/create-contract.dto';

function toContractDto(row: Contract): ContractDto {
  return {
    id: row.id,
    employeeId: row.employeeId,
    candidateId: row.candidateId,
    contractType: row.contractType,
    startDate: row.startDate,
    endDate: row.endDate,
    signedAt: row.signedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The unique constraints that say a candidate already has its contract (and employee). */
const ONE_CONTRACT_PER_CANDIDATE = ['uq_hr_contracts_candidate', 'uq_hr_employees_candidate'];

/**
 * Employment contracts. Creating one turns a hired candidate into an employee (emits nothing);
 * signing it emits `contract.signed` in the same transaction.
 */
@Injectable()
export class ContractsService {
  constructor(
    private readonly unitOfWork: HrUnitOfWork,
    private readonly contracts: ContractRepository,
    private readonly candidates: CandidateRepository,
    private readonly employees: EmployeeRepository,
  ) {}

  /**
   * The contract of a hired candidate, with the employee it creates (names and email copied from
   * the candidate). One per candidate: a second one is 409.
   */
  async create(companyId: string, body: CreateContractDto): Promise<ContractDto> {
    try {
      const row = await this.unitOfWork.run(companyId, async ({ manager }) => {
        // Locked: two concurrent requests for the same candidate cannot both create a contract.
        const candidate = await this.candidates.findOneForCompany(
          companyId,
          body.candidateId,
          manager,
          'pessimistic_write',
        );
        if (!candidate) throw HrError.notFound(HrErrorCode.CandidateNotFound, 'candidate');
        if (candidate.status !== 'hired') {
          throw new HrError(
            HrErrorCode.CandidateNotHired,
            `The candidate is ${candidate.status}: only a hired candidate gets a contract`,
          );
        }
        if (await this.contracts.findByCandidateForCompany(companyId, candidate.id, manager)) {
          throw alreadyUnderContract();
        }
        const employee = await this.employees.insertForCompany(
          companyId,
          {
            candidateId: candidate.id,
            firstName: candidate.firstName,
            lastName: candidate.lastName,
            email: candidate.email,
          },
          manager,
        );
        return this.contracts.insertForCompany(
          companyId,
          {
            candidateId: candidate.id,
            employeeId: employee.id,
            contractType: body.contractType,
            startDate: body.startDate,
            endDate: body.endDate ?? null,
          },
          manager,
        );
      });
      return toContractDto(row);
    } catch (error) {
      if (ONE_CONTRACT_PER_CANDIDATE.some((name) => isUniqueViolation(error, name))) {
        throw alreadyUnderContract();
      }
      throw error;
    }
  }

  async get(companyId: string, id: string): Promise<ContractDto> {
    const row = isRowId(id) ? await this.contracts.findOneForCompany(companyId, id) : null;
    if (!row) throw contractNotFound();
    return toContractDto(row);
  }

  /** Signs the contract (one-way: a second signature is 409) and emits `contract.signed`. */
  async sign(companyId: string, id: string): Promise<ContractDto> {
    if (!isRowId(id)) throw contractNotFound();
    const row = await this.unitOfWork.run(companyId, async ({ manager, publish }) => {
      // Locked: of two concurrent signatures, the second waits and then sees the first.
      const contract = await this.contracts.findOneForCompany(
        companyId,
        id,
        manager,
        'pessimistic_write',
      );
      if (!contract) throw contractNotFound();
      if (contract.signedAt) {
        throw new HrError(
          HrErrorCode.ContractAlreadySigned,
          `The contract was already signed at ${contract.signedAt.toISOString()}`,
        );
      }
      const signed = await this.contracts.updateForCompany(
        companyId,
        contract,
        { signedAt: new Date() },
        manager,
      );
      await publish('contract.signed', {
        contractId: signed.id,
        employeeId: signed.employeeId,
        contractType: signed.contractType,
        startDate: signed.startDate,
      });
      return signed;
    });
    return toContractDto(row);
  }
}

function contractNotFound(): HrError {
  return HrError.notFound(HrErrorCode.ContractNotFound, 'contract');
}

function alreadyUnderContract(): HrError {
  return new HrError(
    HrErrorCode.CandidateAlreadyUnderContract,
    'The candidate already has a contract (one contract, and one employee, per candidate)',
    'candidateId',
  );
}
