import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { PagePosition } from 'nest-webhooks/shared';
import { CompanyRows } from '../common/company-rows';
import { HrError, HrErrorCode } from '../hr.errors';
import { fetchNewestFirst, type RowPage } from '../common/newest-first';
import { Candidate } from './candidate.entity';

/**
 * Every read and write of candidates, each scoped to one company (another company's rows are
 * never found: 404). Writes take the caller's transaction.
 */
@Injectable()
export class CandidateRepository extends CompanyRows<Candidate> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, Candidate, () =>
      HrError.notFound(HrErrorCode.CandidateNotFound, 'candidate'),
    );
  }

  /** Newest first; `after` is the last row of the previous page. */
  async pageForCompany(
    companyId: string,
    after: PagePosition | null,
    limit: number,
  ): Promise<RowPage<Candidate>> {
    const query = this.rows()
      .createQueryBuilder('c')
      .where('c.companyId = :companyId', { companyId });
    return fetchNewestFirst(query, 'c', after, limit);
  }

  async insertForCompany(
    companyId: string,
    values: Pick<Candidate, 'firstName' | 'lastName' | 'email'>,
    manager: EntityManager,
  ): Promise<Candidate> {
    return this.insert(companyId, { ...values, phone: null, skills: [], status: 'new' }, manager);
  }
}
