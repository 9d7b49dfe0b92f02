import type { HostResolver } from '../security/url-policy';
import type { EventTypeDefinition } from '../catalog/event-type.interface';

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
  /** Event types the host adds at the root (feature modules use `forFeature`). */
  eventTypes?: EventTypeDefinition[];
}

/** Options known when the module is declared (not resolvable asynchronously). */
export interface WebhooksModuleExtras {
  /** Mount the REST controllers (`/api/webhooks`, `/api/event-types`, ...). Default true. */
  controllers: boolean;
  /** Register the module globally so feature modules can inject its services. Default true. */
  isGlobal: boolean;
}
