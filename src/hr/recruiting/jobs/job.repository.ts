import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PagePosition } from 'nest-webhooks/shared';
import { CompanyRows } from '../../common/company-rows';
import { fetchNewestFirst, type RowPage } from '../../common/newest-first';
import { jobNotFound } from '../not-found';
import { Job } from './job.entity';

/** Every read and write of jobs, each scoped to one company (others' rows: 404). */
@Injectable()
export class JobRepository extends CompanyRows<Job> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, Job, jobNotFound);
  }

  /** Newest first; `after` is the last row of the previous page. */
  async pageForCompany(
    companyId: string,
    after: PagePosition | null,
    limit: number,
  ): Promise<RowPage<Job>> {
    const query = this.rows()
      .createQueryBuilder('j')
      .where('j.companyId = :companyId', { companyId });
    return fetchNewestFirst(query, 'j', after, limit);
  }

  /** A draft. */
  async insertForCompany(
    companyId: string,
    values: Pick<
      Job,
      'title' | 'description' | 'location' | 'contractType' | 'salaryMin' | 'salaryMax' | 'skills'
    >,
  ): Promise<Job> {
    return this.insert(companyId, {
      ...values,
      status: 'draft',
      closeReason: null,
      publishedAt: null,
      closedAt: null,
    });
  }
}
