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
import { CreateOfferDto } from './dto/create-offer.dto';
import { OfferDto } from './dto/offer.dto';
import { OffersService } from './offers.service';

@HrController('api', 'hr: recruiting')
export class OffersController {
  constructor(private readonly offers: OffersService) {}

  @Post('applications/:id/offers')
  @ApiOperation({
    summary: 'Draft an offer to a shortlisted application',
    description: 'One offer per application. Status `draft`. Emits nothing (sending does).',
  })
  @ApiCreatedResponse({ type: OfferDto })
  @ApiBadRequestResponse({ description: 'A field is invalid; the message names it' })
  @ApiNotFoundResponse({ description: 'No such application in your company' })
  @ApiConflictResponse({
    description: 'The application is not shortlisted, or already has an offer',
  })
  create(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') applicationId: string,
    @Body() body: CreateOfferDto,
  ): Promise<OfferDto> {
    return this.offers.create(principal.companyId, applicationId, body);
  }

  @Get('offers/:id')
  @ApiOperation({ summary: 'An offer' })
  @ApiOkResponse({ type: OfferDto })
  @ApiNotFoundResponse({ description: 'No such offer in your company' })
  get(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<OfferDto> {
    return this.offers.get(principal.companyId, id);
  }

  @Post('offers/:id/send')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a drafted offer to the candidate',
    description:
      'draft → sent, while the application is shortlisted. Emits `offer.sent` in the same transaction.',
  })
  @ApiOkResponse({ type: OfferDto, description: 'The sent offer' })
  @ApiNotFoundResponse({ description: 'No such offer in your company' })
  @ApiConflictResponse({
    description:
      'The offer is not a draft (the message lists the allowed next states), or the application is no longer shortlisted',
  })
  send(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<OfferDto> {
    return this.offers.send(principal.companyId, id);
  }

  @Post('offers/:id/accept')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record that the candidate accepted a sent offer',
    description:
      'sent → accepted. In the same transaction: emits `offer.accepted`; the application goes ' +
      'to hired (`application.reviewed`); the candidate goes to hired through the candidate life ' +
      'cycle, one `candidate.status_changed` per move (one from `offer`), so that a contract can ' +
      'be created for them.',
  })
  @ApiOkResponse({ type: OfferDto, description: 'The accepted offer' })
  @ApiNotFoundResponse({ description: 'No such offer in your company' })
  @ApiConflictResponse({
    description:
      'The offer is not sent, or the application or the candidate cannot move to hired; the message lists the allowed next states',
  })
  accept(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<OfferDto> {
    return this.offers.accept(principal.companyId, id);
  }
}
