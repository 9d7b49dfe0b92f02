import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import type { PagePosition } from '../../common/cursor';
import { Candidate } from './candidate.entity';

/**
 * Every read and write of candidates, each scoped to one company (another company's rows are
 * never found: 404). Writes take the caller's transaction.
 */
@Injectable()
export class CandidateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private rows(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(Candidate);
  }

  async findOneForCompany(
    companyId: string,
    id: string,
    manager?: EntityManager,
    lock?: 'pessimistic_read' | 'pessimistic_write',
  ): Promise<Candidate | null> {
    return this.rows(manager).findOne({
      where: { companyId, id },
      ...(lock ? { lock: { mode: lock } } : {}),
    });
  }

  /** Newest first; `after` is the last row of the previous page. Fetches one extra row. */
  async pageForCompany(
    companyId: string,
    after: PagePosition | null,
    limit: number,
  ): Promise<{ items: Candidate[]; hasMore: boolean }> {
    const query = this.rows()
      .createQueryBuilder('c')
      .where('c.companyId = :companyId', { companyId })
      .orderBy('c.createdAt', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .take(limit + 1);
    if (after) {
      query.andWhere(
        new Brackets((q) =>
          q
            .where('c.createdAt < :createdAt', { createdAt: after.createdAt })
            .orWhere('(c.createdAt = :createdAt AND c.id < :id)', { id: after.id }),
        ),
      );
    }
    const rows = await query.getMany();
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  async insertForCompany(
    companyId: string,
    values: Pick<Candidate, 'firstName' | 'lastName' | 'email'>,
    manager: EntityManager,
  ): Promise<Candidate> {
    const rows = this.rows(manager);
    return rows.save(rows.create({ ...values, companyId, status: 'new' }));
  }

  /** Saves changes to a row read with `findOneForCompany` in the same transaction. */
  async updateForCompany(
    companyId: string,
    row: Candidate,
    changes: Partial<Pick<Candidate, 'status'>>,
    manager: EntityManager,
  ): Promise<Candidate> {
    if (row.companyId !== companyId) throw new Error('Candidate belongs to another company');
    Object.assign(row, changes);
    return this.rows(manager).save(row);
  }
}
