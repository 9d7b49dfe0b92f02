import { Module } from '@nestjs/common';
import { WebhooksModule } from 'nest-webhooks';
import { CandidatesModule } from '../candidates/candidates.module';
import { HrUnitOfWork } from '../common/hr-unit-of-work';
import { EmployeesModule } from '../employees/employees.module';
import { hrEventTypes } from '../hr-event-types';
import { ContractRepository } from './contract.repository';
import { ContractsController } from './contracts.controller';
import { ContractsService } from './contracts.service';

/** Employment contracts, which turn hired candidates into employees: `/api/contracts`. */
@Module({
  imports: [
    CandidatesModule,
    EmployeesModule,
    WebhooksModule.forFeature({ eventTypes: hrEventTypes('contract.signed') }),
  ],
  controllers: [ContractsController],
  providers: [ContractRepository, ContractsService, HrUnitOfWork],
})
export class ContractsModule {}
