import { DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PermissionsGuard } from './auth/permissions.guard';
import { EventCatalog } from './catalog/event-catalog.service';
import type { EventTypeDefinition } from './interfaces/event-type.interface';
import { EventTypesController } from './catalog/event-types.controller';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DeliveryLogRepository } from './deliveries/delivery-log.repository';
import { DeliveryStats } from './deliveries/delivery-stats';
import { DeliveryStatsRepository } from './deliveries/delivery-stats.repository';
import { SubscriptionDeliveriesController } from './deliveries/subscription-deliveries.controller';
import { AttemptConsequences } from './dispatch/attempt-consequences';
import { AttemptRecorder } from './dispatch/attempt-recorder';
import { DeliveryAttempt } from './dispatch/delivery-attempt';
import { DeliveryDispatcher } from './dispatch/delivery-dispatcher.service';
import { DeliveryHandoff } from './dispatch/delivery-handoff';
import { DeliveryJobs } from './dispatch/delivery-jobs.service';
import { DeliveryNotifications } from './dispatch/delivery-notifications';
import { DeliveryTargets } from './dispatch/delivery-targets';
import { DispatchCapacity } from './dispatch/dispatch-capacity';
import { DispatchSignal } from './dispatch/dispatch-signal';
import { EndpointCircuits } from './dispatch/endpoint-circuits';
import { ImmediateDelivery } from './dispatch/immediate-delivery';
import { LaneRunner } from './dispatch/lane-runner';
import { OverflowMarks } from './dispatch/overflow-marks';
import { ResponseTimes } from './dispatch/response-times';
import { SubscriptionHealth } from './dispatch/subscription-health.service';
import { SubscriptionLanes } from './dispatch/subscription-lanes';
import { EventEmitterBridge } from './events/event-emitter.bridge';
import { EventsController } from './events/events.controller';
import { BatchWriter } from './events/batch-writer';
import { EventWriter } from './events/event-writer';
import { WebhookPublisher } from './events/webhook-publisher.service';
import { OperationalEvents } from './events/operational-events';
import { EndpointEvents } from './subscriptions/endpoint-events';
import { DeliveryNotices } from './dispatch/delivery-notices';
import { SerializerRegistry } from './formats/serializer-registry';
import { PortalSessions } from './portal/portal-sessions';
import { PortalSessionsController } from './portal/portal-sessions.controller';
import { createHttpClient } from './http/create-http-client';
import type { WebhooksModuleOptions } from './interfaces/webhooks-module-options.interface';
import { SignatureProviderRegistry } from './signing/signature-headers';
import { SubscriptionRepository } from './subscriptions/subscription.repository';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { CloudEventsHandshake } from './subscriptions/cloudevents-handshake';
import { SigningKeys } from './subscriptions/signing-keys';
import { SubscriptionsService } from './subscriptions/subscriptions.service';
import { DeliveryQueue } from './queue/delivery-queue.repository';
import { OutboxRepository } from './queue/outbox.repository';
import { SubscriptionFilters } from './queue/subscription-filters';
import { WEBHOOKS_ENTITIES } from './webhooks.entities';
import { OPERATIONAL_EVENTS, WEBHOOK_HTTP_CLIENT } from './webhooks.constants';
import {
  WEBHOOKS_ASYNC_OPTIONS_TYPE,
  WEBHOOKS_MODULE_OPTIONS,
  WEBHOOKS_OPTIONS_TYPE,
  WebhooksConfigurableModule,
} from './webhooks.module-definition';
import { WebhooksSettings } from './webhooks-settings';

const CONTROLLERS: Type[] = [
  SubscriptionsController,
  SubscriptionDeliveriesController,
  DeliveriesController,
  EventsController,
  EventTypesController,
  PortalSessionsController,
];

let featureCount = 0;

/**
 * Signed, retried, logged webhook deliveries on the host's TypeORM (PostgreSQL) connection.
 *
 * The host brings the connection (with `WEBHOOKS_ENTITIES` and `WEBHOOKS_MIGRATIONS`) and its
 * authentication (a `WebhooksPrincipal` on `request.user`); the module brings its REST
 * controllers (`controllers: false` leaves them out), its event catalog and its services.
 */
@Module({
  imports: [TypeOrmModule.forFeature(WEBHOOKS_ENTITIES), ScheduleModule.forRoot()],
  providers: [
    WebhooksSettings,
    EventCatalog,
    SubscriptionRepository,
    SigningKeys,
    CloudEventsHandshake,
    SubscriptionsService,
    PermissionsGuard,
    DeliveryQueue,
    OutboxRepository,
    SubscriptionFilters,
    DispatchSignal,
    DeliveryNotifications,
    EventWriter,
    BatchWriter,
    WebhookPublisher,
    OperationalEvents,
    { provide: OPERATIONAL_EVENTS, useExisting: OperationalEvents },
    EndpointEvents,
    DeliveryNotices,
    DeliveryTargets,
    SubscriptionHealth,
    DispatchCapacity,
    SubscriptionLanes,
    OverflowMarks,
    ResponseTimes,
    EndpointCircuits,
    DeliveryAttempt,
    AttemptConsequences,
    AttemptRecorder,
    LaneRunner,
    DeliveryHandoff,
    ImmediateDelivery,
    DeliveryDispatcher,
    DeliveryJobs,
    DeliveryLogRepository,
    DeliveriesService,
    DeliveryStatsRepository,
    DeliveryStats,
    PortalSessions,
    EventEmitterBridge,
    {
      provide: SerializerRegistry,
      inject: [WEBHOOKS_MODULE_OPTIONS],
      useFactory: (options: WebhooksModuleOptions) =>
        new SerializerRegistry(options.serializers ?? []),
    },
    {
      provide: SignatureProviderRegistry,
      inject: [WEBHOOKS_MODULE_OPTIONS],
      useFactory: (options: WebhooksModuleOptions) =>
        new SignatureProviderRegistry(options.signatureProviders ?? []),
    },
    {
      provide: WEBHOOK_HTTP_CLIENT,
      inject: [WEBHOOKS_MODULE_OPTIONS, WebhooksSettings],
      useFactory: (options: WebhooksModuleOptions, settings: WebhooksSettings) =>
        createHttpClient(options.httpClient, settings.resolveHost),
    },
  ],
  exports: [
    WebhookPublisher,
    SubscriptionsService,
    PortalSessions,
    // forFeature's providers, in the host's modules, register their event types with it.
    EventCatalog,
  ],
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
