import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions, type WebhooksPrincipal } from 'nest-webhooks';
import { HR_MANAGE_PERMISSION } from '../hr.constants';
import { HrExceptionFilter } from '../hr-exception.filter';
import { ContractsService } from './contracts.service';
import { ContractDto } from './dto/contract.dto';
import { CreateContractDto } from './dto/create-contract.dto';

@ApiTags('hr: contracts')
@Controller('api/contracts')
@RequirePermissions(HR_MANAGE_PERMISSION)
@UseFilters(HrExceptionFilter)
@ApiTooManyRequestsResponse({ description: 'Rate limit reached; see Retry-After' })
export class ContractsController {
  constructor(private readonly contracts: ContractsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create the employment contract of a hired candidate',
    description:
      'Creates the employee too (names and email copied from the candidate): the answer has ' +
      '`id` and `employeeId`. One contract per candidate. `endDate` is required for a CDD and ' +
      'must be after `startDate`. Emits nothing (signing does).',
  })
  @ApiCreatedResponse({ type: ContractDto })
  @ApiBadRequestResponse({ description: 'A field is invalid; the message names it' })
  @ApiNotFoundResponse({ description: 'No such candidate in your company' })
  @ApiConflictResponse({ description: 'The candidate is not hired, or already has a contract' })
  create(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Body() body: CreateContractDto,
  ): Promise<ContractDto> {
    return this.contracts.create(principal.companyId, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A contract' })
  @ApiOkResponse({ type: ContractDto })
  @ApiNotFoundResponse({ description: 'No such contract in your company' })
  get(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<ContractDto> {
    return this.contracts.get(principal.companyId, id);
  }

  @Post(':id/sign')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign a contract',
    description: 'One-way. Emits `contract.signed` (for payroll) in the same transaction.',
  })
  @ApiOkResponse({ type: ContractDto, description: 'The signed contract' })
  @ApiNotFoundResponse({ description: 'No such contract in your company' })
  @ApiConflictResponse({ description: 'The contract is already signed' })
  sign(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<ContractDto> {
    return this.contracts.sign(principal.companyId, id);
  }
}
