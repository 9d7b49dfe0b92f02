import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CompanyRows } from '../../common/company-rows';
import { interviewNotFound } from '../not-found';
import { Interview } from './interview.entity';

/** Every read and write of interviews, each scoped to one company (others' rows: 404). */
@Injectable()
export class InterviewRepository extends CompanyRows<Interview> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, Interview, interviewNotFound);
  }

  async insertForCompany(
    companyId: string,
    values: Pick<Interview, 'applicationId' | 'kind' | 'scheduledAt' | 'interviewers'>,
    manager: EntityManager,
  ): Promise<Interview> {
    return this.insert(companyId, values, manager);
  }
}
