import { Body, Get, Param, Patch, Post, Query } from '@nestjs/common';
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
import { ApplicationsService } from './applications.service';
import { ApplicationDto, ApplicationPageDto } from './dto/application.dto';
import { CreateApplicationDto } from './dto/create-application.dto';
import { UpdateApplicationStatusDto } from './dto/update-application-status.dto';

@HrController('api', 'hr: recruiting')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post('jobs/:id/applications')
  @ApiOperation({
    summary: 'A candidate applies to a job',
    description:
      'Only a published job takes applications; one per candidate and job. Status `submitted`. ' +
      'Emits `application.submitted` in the same transaction.',
  })
  @ApiCreatedResponse({ type: ApplicationDto })
  @ApiBadRequestResponse({ description: 'A field is invalid; the message names it' })
  @ApiNotFoundResponse({ description: 'No such job, or no such candidate, in your company' })
  @ApiConflictResponse({
    description: 'The job is a draft or closed, or the candidate already applied to it',
  })
  apply(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') jobId: string,
    @Body() body: CreateApplicationDto,
  ): Promise<ApplicationDto> {
    return this.applications.apply(principal.companyId, jobId, body);
  }

  @Get('jobs/:id/applications')
  @ApiOperation({ summary: "A job's applications, newest first" })
  @ApiOkResponse({ type: ApplicationPageDto })
  @ApiBadRequestResponse({ description: 'Bad limit (1 to 100), or a cursor the API did not issue' })
  @ApiNotFoundResponse({ description: 'No such job in your company' })
  listForJob(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') jobId: string,
    @Query() query: PageQueryDto,
  ): Promise<ApplicationPageDto> {
    return this.applications.listForJob(principal.companyId, jobId, query.limit, query.cursor);
  }

  @Get('applications/:id')
  @ApiOperation({ summary: 'An application' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiNotFoundResponse({ description: 'No such application in your company' })
  get(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<ApplicationDto> {
    return this.applications.get(principal.companyId, id);
  }

  @Patch('applications/:id/status')
  @ApiOperation({
    summary: 'Move an application along its life cycle',
    description:
      'submitted → reviewed → shortlisted; any open state (submitted, reviewed, shortlisted) may ' +
      'go to rejected or withdrawn; hired comes only with an accepted offer. Emits ' +
      '`application.reviewed` {oldStatus, newStatus}, and on shortlisting `candidate.matched` ' +
      "(with the share of the job's skills the candidate lists), in the same transaction.",
  })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiBadRequestResponse({
    description: 'status is not reviewed, shortlisted, rejected or withdrawn',
  })
  @ApiNotFoundResponse({ description: 'No such application in your company' })
  @ApiConflictResponse({ description: 'Illegal move; the message lists the allowed next states' })
  changeStatus(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateApplicationStatusDto,
  ): Promise<ApplicationDto> {
    return this.applications.changeStatus(principal.companyId, id, body.status);
  }
}
