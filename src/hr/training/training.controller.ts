import { Body, Controller, Get, Param, Post, UseFilters } from '@nestjs/common';
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
import { CreateTrainingDto } from './dto/create-training.dto';
import { CreateTrainingCompletionDto } from './dto/create-training-completion.dto';
import { TrainingDto } from './dto/training.dto';
import { TrainingCompletionDto } from './dto/training-completion.dto';
import { TrainingService } from './training.service';

@ApiTags('hr: trainings')
@Controller('api/trainings')
@RequirePermissions(HR_MANAGE_PERMISSION)
@UseFilters(HrExceptionFilter)
@ApiTooManyRequestsResponse({ description: 'Rate limit reached; see Retry-After' })
export class TrainingController {
  constructor(private readonly training: TrainingService) {}

  @Post()
  @ApiOperation({ summary: 'Create a training', description: 'Emits nothing.' })
  @ApiCreatedResponse({ type: TrainingDto })
  @ApiBadRequestResponse({ description: 'A field is invalid; the message names it' })
  create(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Body() body: CreateTrainingDto,
  ): Promise<TrainingDto> {
    return this.training.create(principal.companyId, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A training' })
  @ApiOkResponse({ type: TrainingDto })
  @ApiNotFoundResponse({ description: 'No such training in your company' })
  get(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<TrainingDto> {
    return this.training.get(principal.companyId, id);
  }

  @Post(':id/completions')
  @ApiOperation({
    summary: 'Record that an employee completed the training',
    description:
      '`cpfHours` (0 to 1000, at most 2 decimals) must be 0 for a training that is not ' +
      'CPF-eligible. Emits `training.completed` `{employeeId, trainingId, cpfHours}` in the same ' +
      'transaction for EVERY completion, CPF-eligible or not: a CPF tool reads `cpfHours` (0 for ' +
      'a training that is not CPF-eligible), and other consumers (LMS, HR analytics) need every ' +
      'completion.',
  })
  @ApiCreatedResponse({ type: TrainingCompletionDto })
  @ApiBadRequestResponse({
    description: 'A field is invalid, or cpfHours is not 0 for a training that is not CPF-eligible',
  })
  @ApiNotFoundResponse({ description: 'No such training or employee in your company' })
  @ApiConflictResponse({ description: 'The employee is terminated' })
  complete(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
    @Body() body: CreateTrainingCompletionDto,
  ): Promise<TrainingCompletionDto> {
    return this.training.complete(principal.companyId, id, body);
  }
}
