import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { PageQueryDto } from 'nest-webhooks/shared';
import { CurrentPrincipal, type WebhooksPrincipal } from 'nest-webhooks';
import { HrController } from '../../common/hr-controller.decorator';
import { CloseJobDto } from './dto/close-job.dto';
import { CreateJobDto } from './dto/create-job.dto';
import { JobDto, JobPageDto } from './dto/job.dto';
import { JobsService } from './jobs.service';

@HrController('api/jobs', 'hr: recruiting')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  @ApiOperation({
    summary: 'Write a job posting (a draft)',
    description: 'Status `draft`: it takes no applications until published. Emits nothing.',
  })
  @ApiCreatedResponse({ type: JobDto })
  @ApiBadRequestResponse({ description: 'A field is invalid; the message names it' })
  create(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Body() body: CreateJobDto,
  ): Promise<JobDto> {
    return this.jobs.create(principal.companyId, body);
  }

  @Get()
  @ApiOperation({ summary: "The company's jobs, newest first" })
  @ApiOkResponse({ type: JobPageDto })
  @ApiBadRequestResponse({ description: 'Bad limit (1 to 100), or a cursor the API did not issue' })
  list(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Query() query: PageQueryDto,
  ): Promise<JobPageDto> {
    return this.jobs.list(principal.companyId, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A job' })
  @ApiOkResponse({ type: JobDto })
  @ApiNotFoundResponse({ description: 'No such job in your company' })
  get(@CurrentPrincipal() principal: WebhooksPrincipal, @Param('id') id: string): Promise<JobDto> {
    return this.jobs.get(principal.companyId, id);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Publish a draft job',
    description:
      'draft → published: it takes applications from now on. Emits `job.published` and ' +
      '`job_posting.published` (the same data, for receivers written to either name) in the same transaction.',
  })
  @ApiOkResponse({ type: JobDto, description: 'The published job' })
  @ApiNotFoundResponse({ description: 'No such job in your company' })
  @ApiConflictResponse({
    description: 'The job is not a draft; the message lists the allowed next states',
  })
  publish(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<JobDto> {
    return this.jobs.publish(principal.companyId, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close a published job',
    description:
      'published → closed, for good (reason `filled` or `cancelled`): it takes no more ' +
      'applications. Emits `job.closed` with the reason and its applications counted by state, ' +
      'in the same transaction.',
  })
  @ApiOkResponse({ type: JobDto, description: 'The closed job' })
  @ApiBadRequestResponse({ description: 'reason is not filled or cancelled' })
  @ApiNotFoundResponse({ description: 'No such job in your company' })
  @ApiConflictResponse({
    description: 'The job is not published; the message lists the allowed next states',
  })
  close(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
    @Body() body: CloseJobDto,
  ): Promise<JobDto> {
    return this.jobs.close(principal.companyId, id, body.reason);
  }
}
