// The module's public API: what `import ... from 'nest-webhooks'` gives a host app. Everything
// else in the package is internal (its `exports` map publishes only this, `nest-webhooks/shared`
// and `nest-webhooks/migrations`; a lint rule refuses deeper imports from the app around it).

// The module, its options, and the entities for the host's data source.
export { WebhooksModule } from './webhooks.module';
export type {
  CircuitBreakerOptions,
  DeliveryDefaults,
  DirectSendDefaults,
  DispatchOptions,
  PortalOptions,
  PortalTokenClaims,
  WebhooksModuleOptions,
} from './interfaces/webhooks-module-options.interface';
export type { HostResolver } from './security/url-policy';
export { WEBHOOKS_ENTITIES } from './webhooks.entities';

// Event types (`forRoot({eventTypes})`, `forFeature({eventTypes})`).
export type { EventTypeDefinition, JsonSchema } from './interfaces/event-type.interface';

// Publishing, in the host's transaction or through @nestjs/event-emitter.
export { WebhookPublisher } from './events/webhook-publisher.service';
export type {
  BatchEventInput,
  DirectSendOptions,
  EventInput,
  PublishedEvent,
  PublishOptions,
} from './events/webhook-publisher.service';
export { WebhookEventPayload } from './events/event-emitter.bridge';
export { WebhooksError, WebhooksErrorCode } from './webhooks.errors';

// Subscriptions for a host that leaves the REST controllers out (`controllers: false`).
export { SubscriptionsService } from './subscriptions/subscriptions.service';

// Portal sessions: a console link signed in for one company, minted from the host's code too.
export {
  PORTAL_SESSION_MINUTES,
  type PortalSession,
  type PortalSessionOptions,
  PortalSessions,
} from './portal/portal-sessions';

// Authentication: the host's guard puts a principal on `request.user`; its routes can require
// permissions the same way the module's do.
export { CurrentPrincipal, type WebhooksPrincipal } from './auth/principal';
export { ReadOnlyAllowed, RequirePermissions } from './auth/require-permissions.decorator';
export {
  AUTHENTICATION_ERROR_PROPERTY,
  EVENTS_PUBLISH_PERMISSION,
  WEBHOOKS_MANAGE_PERMISSION,
  WEBHOOKS_READ_PERMISSION,
} from './webhooks.constants';

// The console single-page app, built into the package, for the host to serve under its own path.
export { WEBHOOKS_CONSOLE_DIR } from './webhooks-console';

// 503 with Retry-After while the database is unreachable, for the host's own routes too.
export { DatabaseUnavailableInterceptor } from './common/database-unavailable';

// Extension points of the module options: HTTP transport, body formats, signatures.
export { AxiosWebhookHttpClient } from './http/axios-http-client';
export {
  MAX_RESPONSE_BODY_BYTES,
  type WebhookHttpClient,
  type WebhookHttpRequest,
  type WebhookHttpResponse,
} from './interfaces/webhook-http-client.interface';
export type { EventSerializer } from './interfaces/event-serializer.interface';
export type { OutgoingEvent } from './interfaces/outgoing-event.interface';
export type { WebhookSignatureProvider } from './interfaces/signature-provider.interface';
