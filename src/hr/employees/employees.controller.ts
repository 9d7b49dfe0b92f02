import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions, type WebhooksPrincipal } from 'nest-webhooks';
import { HR_MANAGE_PERMISSION } from '../hr.constants';
import { HrExceptionFilter } from '../hr-exception.filter';
import { EmployeeDto } from './dto/employee.dto';
import { TerminateEmployeeDto } from './dto/terminate-employee.dto';
import { EmployeesService } from './employees.service';

@ApiTags('hr: employees')
@Controller('api/employees')
@RequirePermissions(HR_MANAGE_PERMISSION)
@UseFilters(HrExceptionFilter)
@ApiTooManyRequestsResponse({ description: 'Rate limit reached; see Retry-After' })
export class EmployeesController {
  constructor(private readonly employees: EmployeesService) {}

  @Get(':id')
  @ApiOperation({ summary: 'An employee, with its contract id and termination (if any)' })
  @ApiOkResponse({ type: EmployeeDto })
  @ApiNotFoundResponse({ description: 'No such employee in your company' })
  get(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<EmployeeDto> {
    return this.employees.get(principal.companyId, id);
  }

  @Post(':id/termination')
  @HttpCode(200)
  @ApiOperation({
    summary: "End an employee's employment",
    description:
      'Once per employee, under a signed contract, on or after the contract start date. ' +
      'Emits `employee.terminated` (what a DSN end-of-contract report needs) in the same transaction.',
  })
  @ApiOkResponse({ type: EmployeeDto, description: 'The terminated employee' })
  @ApiBadRequestResponse({
    description: 'A field is invalid, or terminationDate is before the contract start date',
  })
  @ApiNotFoundResponse({ description: 'No such employee in your company' })
  @ApiConflictResponse({
    description: 'The employee is already terminated, or has no signed contract',
  })
  terminate(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
    @Body() body: TerminateEmployeeDto,
  ): Promise<EmployeeDto> {
    return this.employees.terminate(principal.companyId, id, body);
  }
}
