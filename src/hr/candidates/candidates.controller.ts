import { Body, Controller, Get, Param, Patch, Post, Query, UseFilters } from '@nestjs/common';
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
import { CurrentPrincipal, RequirePermissions, type WebhooksPrincipal } from '../../webhooks';
import { PageQueryDto } from '../../common/page-query.dto';
import { HR_MANAGE_PERMISSION } from '../hr.constants';
import { HrExceptionFilter } from '../hr-exception.filter';
import { CandidatesService } from './candidates.service';
import { CandidateDto, CandidatePageDto } from './dto/candidate.dto';
import { CreateCandidateDto } from './dto/create-candidate.dto';
import { UpdateCandidateStatusDto } from './dto/update-candidate-status.dto';

@ApiTags('hr: candidates')
@Controller('api/candidates')
@RequirePermissions(HR_MANAGE_PERMISSION)
@UseFilters(HrExceptionFilter)
@ApiTooManyRequestsResponse({ description: 'Rate limit reached; see Retry-After' })
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
