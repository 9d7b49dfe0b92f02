import type { EventTypeDefinition } from './event-type.interface';
import type { HostResolver } from '../security/url-policy';
import type { EventSerializer } from './event-serializer.interface';
import type { WebhookSignatureProvider } from './signature-provider.interface';
import type { WebhookHttpClient } from './webhook-http-client.interface';

/** Retry and timeout settings a subscription takes when its body leaves them out. */
export interface DeliveryDefaults {
  /** Retries after the first attempt (0 to 20). */
  maxRetryCount: number;
  /** First retry delay, ms. */
  retryDelayMs: number;
  /** Growth of the delay per retry (1 to 10). */
  retryBackoffMultiplier: number;
  /** Per-attempt request timeout, ms (100 to 30,000). */
  requestTimeoutMs: number;
}

/** When an endpoint is paused, and for how long. */
export interface CircuitBreakerOptions {
  /** Consecutive failed attempts (timeouts, connection errors, 408, 429, 5xx) that pause an endpoint; 0 turns the breaker off (default 5). */
  failureThreshold: number;
  /** First pause, ms (default 30 s); each failed probe doubles it. */
  cooldownMs: number;
  /** Longest pause, ms (default 10 min). */
  maxCooldownMs: number;
}

export interface WebhooksModuleOptions {
  /** Key that encrypts signing secrets at rest (AES-256-GCM); at least 16 characters. */
  secretKey: string;
  /** Which subscriber URLs are refused. Both default to false (https only, public addresses only). */
  urlPolicy?: { allowHttp?: boolean; allowPrivateUrls?: boolean };
  /** Host name resolver for the URL policy (default: the system resolver). Tests inject one. */
  resolveHost?: HostResolver;
  /** Defaults for subscriptions (CONTRACT.md values when left out). */
  defaults?: Partial<DeliveryDefaults>;
  /** How long a claimed delivery stays with the instance that claimed it, seconds (default 30). */
  leaseSeconds?: number;
  /**
   * Runs the dispatcher's and the group publish's statements as named prepared statements, parsed
   * and planned once per connection (default true). Turn off behind a pooler that cannot keep
   * them (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
  /** Event types the host adds at the root (feature modules use `forFeature`). */
  eventTypes?: EventTypeDefinition[];
  /** The delivery engine of this instance. */
  dispatch?: Partial<DispatchOptions>;
  /**
   * Pauses an endpoint after consecutive failed attempts and probes it again later (per instance;
   * `failureThreshold: 0` turns it off). Defaults: 5 failures, 30 s first pause, 10 min longest.
   */
  circuitBreaker?: Partial<CircuitBreakerOptions>;
  /**
   * HTTP transport: `undici` (default, a keep-alive pool), `axios` (a keep-alive axios
   * instance), or your own client (e.g. `new AxiosWebhookHttpClient(httpService)` to reuse a
   * configured `@nestjs/axios` HttpService with its interceptors and proxy).
   */
  httpClient?: 'undici' | 'axios' | WebhookHttpClient;
  /** Extra body formats, matched by a subscription's `format` (built-ins stay). */
  serializers?: EventSerializer[];
  /** Extra signature algorithms, matched by a subscription's `signatureAlgorithm`. */
  signatureProviders?: WebhookSignatureProvider[];
  /** Defaults of `WebhookPublisher.send` (direct sends to an ad-hoc endpoint). */
  directSend?: DirectSendDefaults;
  /** Attempts, and events whose deliveries all ended, are purged after this many days (default 30; 0 keeps everything). */
  retentionDays?: number;
  /** `User-Agent` of deliveries. */
  userAgent?: string;
  /**
   * The host's own address as others reach it (the service's `PUBLIC_URL`): its host name is the
   * origin of the CloudEvents handshake (`handshake: 'cloudevents'`); `portal.publicUrl` serves
   * when it is absent. Without either, such subscriptions are refused.
   */
  publicUrl?: string;
  /**
   * Portal sessions (`POST /api/portal/sessions`, `PortalSessions.create`): links that open the
   * console signed in for one company. The module owns no signing key: the host issues the
   * token. Without this option a portal session is refused (`501 PORTAL_NOT_CONFIGURED`).
   */
  portal?: PortalOptions;
}

/** The claims of a portal session's bearer token (the host's authentication must accept them). */
export interface PortalTokenClaims {
  /** `portal:` and the subject who opened the session (`portal` when opened from code). */
  sub: string;
  companyId: string;
  /** `system.webhooks.manage` or `system.webhooks.read`, and nothing else. */
  permissions: string[];
}

export interface PortalOptions {
  /** The service's address as others reach it (`PUBLIC_URL`), e.g. `https://hr.example.com`. */
  publicUrl: string;
  /** Where the host serves the console, under `publicUrl` (default `/dashboard`). */
  dashboardPath?: string;
  /**
   * Signs a bearer token carrying `claims` that the host's authentication rejects from
   * `expiresAt` on (a whole second: for a JWT, `exp = expiresAt / 1000`).
   */
  issueToken(claims: PortalTokenClaims, expiresAt: Date): string | Promise<string>;
}

export interface DispatchOptions {
  /** Run the dispatcher and its scheduled jobs in this instance (default true). */
  enabled: boolean;
  /** Requests in flight at once, all subscriptions together (default 100). */
  concurrency: number;
  /** Requests in flight at once to one subscription (default 50). */
  perSubscriptionConcurrency: number;
  /** Deliveries claimed per query (default 100). */
  claimBatchSize: number;
  /** On shutdown, how long in-flight requests may finish before their leases are released (default 10 s). */
  shutdownGraceMs: number;
  /** Scheduler tick that picks up due retries (default 1000 ms). */
  pollIntervalMs: number;
}

export interface DirectSendDefaults {
  url?: string;
  /** A `whsec_` secret, or with an asymmetric algorithm (`Ed25519`) its `whsk_` private key. */
  secret?: string | null;
  signatureAlgorithm?: string;
  /** What `X-Webhook-Signature` signs: `timestamp.body` (default) or `body`. */
  signedContent?: 'timestamp.body' | 'body';
  format?: string;
  headers?: Record<string, string>;
  maxRetryCount?: number;
  retryDelayMs?: number;
  retryBackoffMultiplier?: number;
  requestTimeoutMs?: number;
}

/** Options known when the module is declared (not resolvable asynchronously). */
export interface WebhooksModuleExtras {
  /** Mount the REST controllers (`/api/webhooks`, `/api/event-types`, ...). Default true. */
  controllers: boolean;
  /** Register the module globally so feature modules can inject its services. Default true. */
  isGlobal: boolean;
}
