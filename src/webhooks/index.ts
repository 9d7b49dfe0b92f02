export * from './webhooks.module';
export * from './webhooks.constants';
export * from './webhooks.entities';
export * from './webhooks.errors';
export * from './interfaces/webhooks-module-options.interface';
export * from './interfaces/event-type.interface';
export * from './catalog/event-catalog.service';
export * from './auth/principal';
export * from './auth/require-permissions.decorator';
export * from './auth/permissions.guard';
export * from './subscriptions/subscriptions.service';
export * from './entities/webhook-subscription.entity';
export * from './security/url-policy';
export { WEBHOOKS_MODULE_OPTIONS } from './webhooks.module-definition';
export { WebhooksSettings } from './webhooks-settings';
export * from './events/webhook-publisher.service';
export * from './events/event-emitter.bridge';
export * from './deliveries/deliveries.service';
export * from './dispatch/delivery-jobs.service';
export * from './interfaces/event-serializer.interface';
export * from './interfaces/signature-provider.interface';
export * from './interfaces/webhook-http-client.interface';
export * from './interfaces/outgoing-event.interface';
export { UndiciWebhookHttpClient } from './http/undici-http-client';
export { AxiosWebhookHttpClient } from './http/axios-http-client';
export { SerializerRegistry, BUILTIN_SERIALIZERS } from './formats/serializer-registry';
export { SignatureProviderRegistry } from './signing/signature-headers';
export { BUILTIN_SIGNATURE_PROVIDERS } from './signing/hmac-signature-providers';
export {
  DatabaseUnavailableInterceptor,
  isDatabaseUnavailable,
} from './common/database-unavailable';
export type { CircuitBreakerOptions } from './dispatch/circuit-breaker';
