// Values the specs share: the permissions of a bearer token, the environment of an app that
// delivers to a local receiver, and the patterns answers are matched against.

/** Manage webhook subscriptions and read their deliveries and the event types. */
export const MANAGE = 'system.webhooks.manage';
/** Read subscriptions, deliveries, attempts, stats and the event types: every GET but the secret. */
export const READ = 'system.webhooks.read';
/** Publish events (POST /api/events). */
export const PUBLISH = 'system.events.publish';
/** The HR routes: candidates, contracts, employees, trainings. */
export const HR = 'hr.manage';
/** Manage subscriptions and publish events: every permission but HR's. */
export const DELIVERY_PERMISSIONS = [MANAGE, PUBLISH];
/** Every permission there is. */
export const ALL_PERMISSIONS = [MANAGE, PUBLISH, HR];

/** The environment of an app that delivers to a receiver on 127.0.0.1 over plain HTTP. */
export const DELIVERY_ENV = { WEBHOOKS_ALLOW_HTTP: 'true', WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' };

/** A whole string that is a UUID in lower case, as the app writes them. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A whole string that is a UUID, in either case. */
export const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An ISO 8601 date and time to the second at least, with its offset (`Z` or `±hh:mm`). */
export const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** How long "nothing arrives" is watched for. */
export const QUIET_MS = 1_000;
