import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Contract } from './contract.entity';

/**
 * Every read and write of contracts, each scoped to one company (another company's rows are
 * never found: 404). Writes take the caller's transaction.
 */
@Injectable()
export class ContractRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private rows(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(Contract);
  }

  async findOneForCompany(
    companyId: string,
    id: string,
    manager?: EntityManager,
    lock?: 'pessimistic_read' | 'pessimistic_write',
  ): Promise<Contract | null> {
    return this.rows(manager).findOne({
      where: { companyId, id },
      ...(lock ? { lock: { mode: lock } } : {}),
    });
  }

  async findByCandidateForCompany(
    companyId: string,
    candidateId: string,
    manager?: EntityManager,
  ): Promise<Contract | null> {
    return this.rows(manager).findOne({ where: { companyId, candidateId } });
  }

  async insertForCompany(
    companyId: string,
    values: Pick<Contract, 'candidateId' | 'employeeId' | 'contractType' | 'startDate' | 'endDate'>,
    manager: EntityManager,
  ): Promise<Contract> {
    const rows = this.rows(manager);
    return rows.save(rows.create({ ...values, companyId, signedAt: null }));
  }

  /** Saves changes to a row read with `findOneForCompany` in the same transaction. */
  async updateForCompany(
    companyId: string,
    row: Contract,
    changes: Partial<Pick<Contract, 'signedAt'>>,
    manager: EntityManager,
  ): Promise<Contract> {
    if (row.companyId !== companyId) throw new Error('Contract belongs to another company');
    Object.assign(row, changes);
    return this.rows(manager).save(row);
  }
}
