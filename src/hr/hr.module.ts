import { Module } from '@nestjs/common';
import { CandidatesModule } from './candidates/candidates.module';
import { ContractsModule } from './contracts/contracts.module';
import { EmployeesModule } from './employees/employees.module';
import { RecruitingModule } from './recruiting/recruiting.module';
import { TrainingModule } from './training/training.module';

/**
 * The HR backend: candidates, recruiting (jobs, applications, interviews, offers), contracts,
 * employees and trainings. Each module registers the webhook event types it emits; the host
 * provides WebhooksModule.forRoot, TypeORM (with HR_ENTITIES and HR_MIGRATIONS), APP_CONFIG (its
 * secret keys HR's list cursors) and, optionally, EventEmitterModule for the `hr.*` events.
 */
@Module({
  imports: [CandidatesModule, RecruitingModule, ContractsModule, EmployeesModule, TrainingModule],
})
export class HrModule {}
