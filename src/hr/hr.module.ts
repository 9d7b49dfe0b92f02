import { Module } from '@nestjs/common';
import { CandidatesModule } from './candidates/candidates.module';
import { ContractsModule } from './contracts/contracts.module';
import { EmployeesModule } from './employees/employees.module';
import { TrainingModule } from './training/training.module';

/**
 * The HR backend: candidates, contracts, employees and trainings. Each module registers the
 * webhook event types it emits; the host provides WebhooksModule.forRoot, TypeORM (with
 * HR_ENTITIES and HR_MIGRATIONS), APP_CONFIG (its secret keys HR's list cursors) and, optionally,
 * EventEmitterModule for the `hr.*` events.
 */
@Module({
  imports: [CandidatesModule, ContractsModule, EmployeesModule, TrainingModule],
})
export class HrModule {}
