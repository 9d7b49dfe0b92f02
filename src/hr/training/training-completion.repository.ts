import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TrainingCompletion } from './training-completion.entity';

/** Every write of training completions, scoped to one company, in the caller's transaction. */
@Injectable()
export class TrainingCompletionRepository {
  async insertForCompany(
    companyId: string,
    values: Pick<TrainingCompletion, 'trainingId' | 'employeeId' | 'cpfHours'>,
    manager: EntityManager,
  ): Promise<TrainingCompletion> {
    const rows = manager.getRepository(TrainingCompletion);
    return rows.save(rows.create({ ...values, companyId }));
  }
}
