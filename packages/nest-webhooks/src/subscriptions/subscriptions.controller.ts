import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, type WebhooksPrincipal } from '../auth/principal';
import { ReadOnlyAllowed, RequirePermissions } from '../auth/require-permissions.decorator';
import { PageQueryDto } from '../shared/page-query.dto';
import { WEBHOOKS_MANAGE_PERMISSION } from '../webhooks.constants';
import { DatabaseUnavailableInterceptor } from '../common/database-unavailable';
import { WebhooksExceptionFilter } from '../webhooks-exception.filter';
import { CreateSubscriptionDto } from './dto/create-subscription.dto';
import {
  CreatedSubscriptionDto,
  SigningSecretDto,
  SubscriptionDto,
  SubscriptionPageDto,
} from './dto/subscription.dto';
import { UpdateSubscriptionDto } from './dto/update-subscription.dto';
import { SubscriptionsService } from './subscriptions.service';

@ApiTags('webhooks')
@Controller('api/webhooks')
@RequirePermissions(WEBHOOKS_MANAGE_PERMISSION)
@UseFilters(WebhooksExceptionFilter)
@UseInterceptors(DatabaseUnavailableInterceptor)
@ApiTooManyRequestsResponse({ description: 'Rate limit reached; see Retry-After' })
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  /** Register an endpoint for a set of event types. The answer carries the signing secret. */
  @Post()
  @ApiCreatedResponse({ type: CreatedSubscriptionDto })
  @ApiBadRequestResponse({ description: 'A field is invalid; the message names it' })
  @ApiPayloadTooLargeResponse({ description: 'Body over 256 KiB' })
  create(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Body() body: CreateSubscriptionDto,
  ): Promise<CreatedSubscriptionDto> {
    return this.subscriptions.create(principal.companyId, body);
  }

  /** The company's subscriptions, newest first, without secrets. */
  @ReadOnlyAllowed()
  @Get()
  @ApiOkResponse({ type: SubscriptionPageDto })
  @ApiBadRequestResponse({ description: 'Bad limit, or a cursor the API did not issue' })
  list(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Query() query: PageQueryDto,
  ): Promise<SubscriptionPageDto> {
    return this.subscriptions.list(principal.companyId, query.limit, query.cursor);
  }

  @ReadOnlyAllowed()
  @Get(':id')
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiNotFoundResponse({ description: 'No such subscription in your company' })
  get(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<SubscriptionDto> {
    return this.subscriptions.get(principal.companyId, id);
  }

  /** Change any field but the secret. */
  @Patch(':id')
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiBadRequestResponse({ description: 'A field is invalid (or `secret` was sent)' })
  @ApiNotFoundResponse({ description: 'No such subscription in your company' })
  update(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateSubscriptionDto,
  ): Promise<SubscriptionDto> {
    return this.subscriptions.update(principal.companyId, id, body);
  }

  /** Remove the subscription; pending deliveries are cancelled, history is kept. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such subscription in your company' })
  async remove(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<void> {
    await this.subscriptions.remove(principal.companyId, id);
  }

  @Get(':id/secret')
  @ApiOkResponse({ type: SigningSecretDto })
  @ApiNotFoundResponse({ description: 'No such subscription in your company' })
  async getSecret(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<SigningSecretDto> {
    return { secret: await this.subscriptions.getSecret(principal.companyId, id) };
  }

  /** A new secret; the previous one keeps signing beside it for 24 h. */
  @Post(':id/secret/rotate')
  @HttpCode(200)
  @ApiOkResponse({ type: SigningSecretDto })
  @ApiNotFoundResponse({ description: 'No such subscription in your company' })
  async rotateSecret(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<SigningSecretDto> {
    return { secret: await this.subscriptions.rotateSecret(principal.companyId, id) };
  }
}
