import { Module } from '@nestjs/common';
import { WebhooksModule } from 'nest-webhooks';
import { HrUnitOfWork } from '../common/hr-unit-of-work';
import { hrEventTypes } from '../hr-event-types';
import { EmployeeRepository } from './employee.repository';
import { EmployeesController } from './employees.controller';
import { EmployeesService } from './employees.service';

/** Employees and the end of their employment: `/api/employees`. */
@Module({
  imports: [WebhooksModule.forFeature({ eventTypes: hrEventTypes('employee.terminated') })],
  controllers: [EmployeesController],
  providers: [EmployeeRepository, EmployeesService, HrUnitOfWork],
  exports: [EmployeeRepository],
})
export class EmployeesModule {}
