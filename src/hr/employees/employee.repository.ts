import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Contract } from '../contracts/contract.entity';
import { Employee } from './employee.entity';

/**
 * Every read and write of employees, each scoped to one company (another company's rows are
 * never found: 404). Writes take the caller's transaction.
 */
@Injectable()
export class EmployeeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private rows(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(Employee);
  }

  async findOneForCompany(
    companyId: string,
    id: string,
    manager?: EntityManager,
    lock?: 'pessimistic_read' | 'pessimistic_write',
  ): Promise<Employee | null> {
    return this.rows(manager).findOne({
      where: { companyId, id },
      ...(lock ? { lock: { mode: lock } } : {}),
    });
  }

  /**
   * The employment contract of the employee (each has exactly one, created with it). Read here,
   * through the entity, rather than through ContractRepository: ContractsModule depends on this
   * module to create employees, so this module cannot depend back on it.
   */
  async findContractForCompany(
    companyId: string,
    employeeId: string,
    manager?: EntityManager,
  ): Promise<Contract | null> {
    return (manager ?? this.dataSource.manager)
      .getRepository(Contract)
      .findOne({ where: { companyId, employeeId } });
  }

  async insertForCompany(
    companyId: string,
    values: Pick<Employee, 'candidateId' | 'firstName' | 'lastName' | 'email'>,
    manager: EntityManager,
  ): Promise<Employee> {
    const rows = this.rows(manager);
    return rows.save(
      rows.create({
        ...values,
        companyId,
        terminationDate: null,
        terminationReason: null,
        terminatedAt: null,
      }),
    );
  }

  /** Saves changes to a row read with `findOneForCompany` in the same transaction. */
  async updateForCompany(
    companyId: string,
    row: Employee,
    changes: Partial<Pick<Employee, 'terminationDate' | 'terminationReason' | 'terminatedAt'>>,
    manager: EntityManager,
  ): Promise<Employee> {
    if (row.companyId !== companyId) throw new Error('Employee belongs to another company');
    Object.assign(row, changes);
    return this.rows(manager).save(row);
  }
}
