import { Body, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { CurrentPrincipal, type WebhooksPrincipal } from 'nest-webhooks';
import { PageQueryDto } from 'nest-webhooks/shared';
import { HrController } from '../common/hr-controller.decorator';
import { CandidatesService } from './candidates.service';
import { CandidateDto, CandidatePageDto } from './dto/candidate.dto';
import { CreateCandidateDto } from './dto/create-candidate.dto';
import { UpdateCandidateDto } from './dto/update-candidate.dto';
import { UpdateCandidateStatusDto } from './dto/update-candidate-status.dto';

@HrController('api/candidates', 'hr: candidates')
export class CandidatesController {
  constructor(private readonly candidates: CandidatesService) {}

  @Post()
  @ApiOperation({
    summary: 'Register a candidate',
    description: 'Status `new`. Emits `candidate.created` in the same transaction.',
  })
  @ApiCreatedResponse({ type: CandidateDto })
  @ApiBadRequestResponse({ description: 'A field is invalid; the message names it' })
  @ApiConflictResponse({ description: 'The email is already used in your company' })
  create(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Body() body: CreateCandidateDto,
  ): Promise<CandidateDto> {
    return this.candidates.create(principal.companyId, body);
  }

  @Get()
  @ApiOperation({ summary: "The company's candidates, newest first" })
  @ApiOkResponse({ type: CandidatePageDto })
  @ApiBadRequestResponse({ description: 'Bad limit (1 to 100), or a cursor the API did not issue' })
  list(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Query() query: PageQueryDto,
  ): Promise<CandidatePageDto> {
    return this.candidates.list(principal.companyId, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: CandidateDto })
  @ApiNotFoundResponse({ description: 'No such candidate in your company' })
  get(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<CandidateDto> {
    return this.candidates.get(principal.companyId, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Edit a candidate's profile",
    description:
      'Any of firstName, lastName, email, phone (null removes it) and skills (the whole list, ' +
      'compared as a set); the fields left out stay. Emits `candidate.updated` with each changed ' +
      "field's old and new value, in the same transaction; an edit that changes nothing emits nothing.",
  })
  @ApiOkResponse({ type: CandidateDto })
  @ApiBadRequestResponse({ description: 'A field is invalid; the message names it' })
  @ApiNotFoundResponse({ description: 'No such candidate in your company' })
  @ApiConflictResponse({ description: 'The email is already used in your company' })
  update(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateCandidateDto,
  ): Promise<CandidateDto> {
    return this.candidates.update(principal.companyId, id, body);
  }

  @Patch(':id/status')
  @ApiOperation({
    summary: 'Move a candidate along the hiring life cycle',
    description:
      'new → screening → interview → offer → hired; any state but hired may go to rejected. ' +
      'Emits `candidate.status_changed` in the same transaction.',
  })
  @ApiOkResponse({ type: CandidateDto })
  @ApiBadRequestResponse({ description: 'status is not a candidate status' })
  @ApiNotFoundResponse({ description: 'No such candidate in your company' })
  @ApiConflictResponse({ description: 'Illegal move; the message lists the allowed next states' })
  changeStatus(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateCandidateStatusDto,
  ): Promise<CandidateDto> {
    return this.candidates.changeStatus(principal.companyId, id, body.status);
  }
}
