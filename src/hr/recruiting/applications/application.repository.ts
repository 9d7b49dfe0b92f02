import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { PagePosition } from 'nest-webhooks/shared';
import { CompanyRows } from '../../common/company-rows';
import { fetchNewestFirst, type RowPage } from '../../common/newest-first';
import { applicationNotFound } from '../not-found';
import { JobApplication } from './application.entity';
import { APPLICATION_STATUSES, type ApplicationStatus } from './application-status';

/** Every read and write of job applications, each scoped to one company (others' rows: 404). */
@Injectable()
export class ApplicationRepository extends CompanyRows<JobApplication> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, JobApplication, applicationNotFound);
  }

  /** The job's applications, newest first; `after` is the last row of the previous page. */
  async pageForJob(
    companyId: string,
    jobId: string,
    after: PagePosition | null,
    limit: number,
  ): Promise<RowPage<JobApplication>> {
    const query = this.rows()
      .createQueryBuilder('a')
      .where('a.companyId = :companyId AND a.jobId = :jobId', { companyId, jobId });
    return fetchNewestFirst(query, 'a', after, limit);
  }

  /** How many of the job's applications are in each state (every state, 0 included). */
  async countByStatusForJob(
    companyId: string,
    jobId: string,
    manager: EntityManager,
  ): Promise<Record<ApplicationStatus, number>> {
    const rows = await this.rows(manager)
      .createQueryBuilder('a')
      .select('a.status', 'status')
      .addSelect('count(*)::int', 'n')
      .where('a.companyId = :companyId AND a.jobId = :jobId', { companyId, jobId })
      .groupBy('a.status')
      .getRawMany<{ status: ApplicationStatus; n: number }>();
    const counts = Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, 0])) as Record<
      ApplicationStatus,
      number
    >;
    for (const { status, n } of rows) counts[status] = n;
    return counts;
  }

  async insertForCompany(
    companyId: string,
    values: Pick<JobApplication, 'jobId' | 'candidateId' | 'coverLetter'>,
    manager: EntityManager,
  ): Promise<JobApplication> {
    return this.insert(companyId, { ...values, status: 'submitted' }, manager);
  }
}
