import { Injectable } from '@nestjs/common';
import type { Contract } from '../contracts/contract.entity';
import { HrUnitOfWork } from '../common/hr-unit-of-work';
import { isRowId } from '../common/ids';
import { HrError, HrErrorCode } from '../hr.errors';
import type { EmployeeDto } from './dto/employee.dto';
import type { TerminateEmployeeDto } from './dto/terminate-employee.dto';
import type { Employee } from './employee.entity';
import { EmployeeRepository } from './employee.repository';

function toEmployeeDto(row: Employee, contract: Pick<Contract, 'id'> | null): EmployeeDto {
  return {
    id: row.id,
    candidateId: row.candidateId,
    contractId: contract?.id ?? null,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    terminationDate: row.terminationDate,
    terminationReason: row.terminationReason,
    terminatedAt: row.terminatedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Employees: reading them, and ending their employment (emits `employee.terminated`). */
@Injectable()
export class EmployeesService {
  constructor(
    private readonly unitOfWork: HrUnitOfWork,
    private readonly employees: EmployeeRepository,
  ) {}

  async get(companyId: string, id: string): Promise<EmployeeDto> {
    const row = isRowId(id) ? await this.employees.findOneForCompany(companyId, id) : null;
    if (!row) throw employeeNotFound();
    return toEmployeeDto(row, await this.employees.findContractForCompany(companyId, row.id));
  }

  /**
   * Ends the employment: only once (409), only under a signed contract (409), and not before the
   * contract started (400). The answer is the terminated employee.
   */
  async terminate(companyId: string, id: string, body: TerminateEmployeeDto): Promise<EmployeeDto> {
    if (!isRowId(id)) throw employeeNotFound();
    return this.unitOfWork.run(companyId, async ({ manager, publish }) => {
      // Locked: a concurrent termination waits, then sees this one; a concurrent training
      // completion (which takes a share lock) either precedes it or sees the employee terminated.
      const employee = await this.employees.findOneForCompany(
        companyId,
        id,
        manager,
        'pessimistic_write',
      );
      if (!employee) throw employeeNotFound();
      if (employee.terminationDate) {
        throw new HrError(
          HrErrorCode.EmployeeAlreadyTerminated,
          `The employee was already terminated (terminationDate ${employee.terminationDate})`,
        );
      }
      const contract = await this.employees.findContractForCompany(companyId, employee.id, manager);
      if (!contract?.signedAt) {
        throw new HrError(
          HrErrorCode.NoSignedContract,
          'The employee has no signed contract to terminate; sign the contract first',
        );
      }
      if (body.terminationDate < contract.startDate) {
        throw HrError.invalidField(
          'terminationDate',
          `terminationDate must not be before the contract's startDate (${contract.startDate})`,
        );
      }
      const terminated = await this.employees.updateForCompany(
        companyId,
        employee,
        {
          terminationDate: body.terminationDate,
          terminationReason: body.reason,
          terminatedAt: new Date(),
        },
        manager,
      );
      await publish('employee.terminated', {
        employeeId: terminated.id,
        terminationDate: body.terminationDate,
        reason: body.reason,
        contractId: contract.id,
        contractType: contract.contractType,
      });
      return toEmployeeDto(terminated, contract);
    });
  }
}

function employeeNotFound(): HrError {
  return HrError.notFound(HrErrorCode.EmployeeNotFound, 'employee');
}
