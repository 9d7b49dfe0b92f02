import { Body, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { CurrentPrincipal, type WebhooksPrincipal } from 'nest-webhooks';
import { HrController } from '../../common/hr-controller.decorator';
import { InterviewDto } from './dto/interview.dto';
import { RescheduleInterviewDto } from './dto/reschedule-interview.dto';
import { ScheduleInterviewDto } from './dto/schedule-interview.dto';
import { InterviewsService } from './interviews.service';

@HrController('api', 'hr: recruiting')
export class InterviewsController {
  constructor(private readonly interviews: InterviewsService) {}

  @Post('applications/:id/interviews')
  @ApiOperation({
    summary: "Schedule an interview of an application's candidate",
    description:
      'For an open application (submitted, reviewed or shortlisted). `scheduledAt` is an ' +
      'ISO-8601 date-time with its offset, in the future; answered and sent in UTC. Emits ' +
      '`interview.scheduled` (previousScheduledAt null) in the same transaction.',
  })
  @ApiCreatedResponse({ type: InterviewDto })
  @ApiBadRequestResponse({ description: 'A field is invalid; the message names it' })
  @ApiNotFoundResponse({ description: 'No such application in your company' })
  @ApiConflictResponse({ description: 'The application is hired, rejected or withdrawn' })
  schedule(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') applicationId: string,
    @Body() body: ScheduleInterviewDto,
  ): Promise<InterviewDto> {
    return this.interviews.schedule(principal.companyId, applicationId, body);
  }

  @Get('interviews/:id')
  @ApiOperation({ summary: 'An interview' })
  @ApiOkResponse({ type: InterviewDto })
  @ApiNotFoundResponse({ description: 'No such interview in your company' })
  get(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<InterviewDto> {
    return this.interviews.get(principal.companyId, id);
  }

  @Post('interviews/:id/reschedule')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move an interview to another time',
    description:
      'While its application is open. Emits `interview.scheduled` again, with ' +
      '`previousScheduledAt` the time it had, in the same transaction; the same time changes ' +
      'nothing and emits nothing.',
  })
  @ApiOkResponse({ type: InterviewDto, description: 'The rescheduled interview' })
  @ApiBadRequestResponse({ description: 'scheduledAt is not a future date-time with its offset' })
  @ApiNotFoundResponse({ description: 'No such interview in your company' })
  @ApiConflictResponse({ description: 'The application is hired, rejected or withdrawn' })
  reschedule(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
    @Body() body: RescheduleInterviewDto,
  ): Promise<InterviewDto> {
    return this.interviews.reschedule(principal.companyId, id, body);
  }
}
