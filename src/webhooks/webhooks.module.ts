import { DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PermissionsGuard } from './auth/permissions.guard';
import { EventCatalog } from './catalog/event-catalog.service';
import type { EventTypeDefinition } from './catalog/event-type.interface';
import { EventTypesController } from './catalog/event-types.controller';
import { SubscriptionRepository } from './subscriptions/subscription.repository';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { SubscriptionsService } from './subscriptions/subscriptions.service';
import { WEBHOOKS_ENTITIES } from './webhooks.entities';
import {
  WEBHOOKS_ASYNC_OPTIONS_TYPE,
  WEBHOOKS_OPTIONS_TYPE,
  WebhooksConfigurableModule,
} from './webhooks.module-definition';
import { WebhooksSettings } from './webhooks-settings';

const CONTROLLERS: Type[] = [SubscriptionsController, EventTypesController];

let featureCount = 0;

/**
 * Signed, retried, logged webhook deliveries on the host's TypeORM (PostgreSQL) connection.
 *
 * The host brings the connection (with `WEBHOOKS_ENTITIES` and `WEBHOOKS_MIGRATIONS`) and its
 * authentication (a `WebhooksPrincipal` on `request.user`); the module brings its REST
 * controllers (`controllers: false` leaves them out), its event catalog and its services.
 */
@Module({
  imports: [TypeOrmModule.forFeature(WEBHOOKS_ENTITIES)],
  providers: [
    WebhooksSettings,
    EventCatalog,
    SubscriptionRepository,
    SubscriptionsService,
    PermissionsGuard,
  ],
  exports: [WebhooksSettings, EventCatalog, SubscriptionsService, PermissionsGuard],
})
export class WebhooksModule extends WebhooksConfigurableModule {
  static override forRoot(options: typeof WEBHOOKS_OPTIONS_TYPE): DynamicModule {
    return withControllers(super.forRoot(options), options.controllers ?? true);
  }

  static override forRootAsync(options: typeof WEBHOOKS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withControllers(super.forRootAsync(options), options.controllers ?? true);
  }

  /** Adds a feature module's event types to the catalog (needs `forRoot` somewhere in the app). */
  static forFeature(options: { eventTypes: EventTypeDefinition[] }): DynamicModule {
    const provider: Provider = {
      provide: `WEBHOOKS_FEATURE_EVENT_TYPES_${featureCount++}`,
      useFactory: (catalog: EventCatalog) => {
        catalog.register(options.eventTypes);
        return options.eventTypes;
      },
      inject: [EventCatalog],
    };
    return { module: WebhooksFeatureModule, providers: [provider], exports: [provider] };
  }
}

@Module({})
class WebhooksFeatureModule {}

function withControllers(definition: DynamicModule, mount: boolean): DynamicModule {
  return { ...definition, controllers: mount ? CONTROLLERS : [] };
}
