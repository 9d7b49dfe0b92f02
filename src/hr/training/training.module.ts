import { Module } from '@nestjs/common';
import { WebhooksModule } from 'nest-webhooks';
import { HrUnitOfWork } from '../common/hr-unit-of-work';
import { EmployeesModule } from '../employees/employees.module';
import { hrEventTypes } from '../hr-event-types';
import { TrainingController } from './training.controller';
import { TrainingRepository } from './training.repository';
import { TrainingService } from './training.service';
import { TrainingCompletionRepository } from './training-completion.repository';

/** Trainings and their completions (with CPF hours): `/api/trainings`. */
@Module({
  imports: [
    EmployeesModule,
    WebhooksModule.forFeature({ eventTypes: hrEventTypes('training.completed') }),
  ],
  controllers: [TrainingController],
  providers: [TrainingRepository, TrainingCompletionRepository, TrainingService, HrUnitOfWork],
})
export class TrainingModule {}
