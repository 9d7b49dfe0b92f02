/** Permission every webhook management route needs (CONTRACT.md). */
export const WEBHOOKS_MANAGE_PERMISSION = 'system.webhooks.manage';
/**
 * Read-only permission: every GET of `/api/webhooks/**`, `/api/deliveries/**` and
 * `/api/event-types` accepts it, except `GET /api/webhooks/{id}/secret`.
 */
export const WEBHOOKS_READ_PERMISSION = 'system.webhooks.read';
/** Permission `POST /api/events` needs. */
export const EVENTS_PUBLISH_PERMISSION = 'system.events.publish';

export const PERMISSIONS_METADATA = 'webhooks:permissions';
/** Permissions a route accepts instead of those it requires (`@AlsoAllow`). */
export const ALTERNATIVE_PERMISSIONS_METADATA = 'webhooks:alternative-permissions';

/** Request property where a host's authentication leaves why a token was refused. */
export const AUTHENTICATION_ERROR_PROPERTY = 'authenticationError';

export const SECRET_PREFIX = 'whsec_';
export const SECRET_ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export const SUBSCRIPTION_FORMATS = ['json', 'cloudevents+json', 'xml', 'cloudevents+xml'] as const;
export type SubscriptionFormat = (typeof SUBSCRIPTION_FORMATS)[number];

export const SIGNATURE_ALGORITHMS = ['HmacSha256', 'HmacSha384', 'HmacSha512', 'HmacSha1'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** Injection token of the `WebhookHttpClient` deliveries go through. */
export const WEBHOOK_HTTP_CLIENT = Symbol('WEBHOOK_HTTP_CLIENT');
/** Injection token of the `OperationalEventPublisher` the engine reports through. */
export const OPERATIONAL_EVENTS = Symbol('OPERATIONAL_EVENTS');
