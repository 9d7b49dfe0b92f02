import { Inject, Injectable } from '@nestjs/common';
import { CursorCodec } from './shared/cursor';
import type {
  DeliveryDefaults,
  DirectSendDefaults,
  DispatchOptions,
  WebhooksModuleOptions,
} from './interfaces/webhooks-module-options.interface';
import { type CircuitBreakerOptions, DEFAULT_CIRCUIT_BREAKER } from './dispatch/circuit-breaker';
import { SecretCipher } from './security/secret-cipher';
import { type HostResolver, systemHostResolver, type UrlPolicy } from './security/url-policy';
import { WEBHOOKS_MODULE_OPTIONS } from './webhooks.module-definition';

/** CONTRACT.md's defaults for a subscription's retry and timeout settings. */
export const CONTRACT_DELIVERY_DEFAULTS: DeliveryDefaults = {
  maxRetryCount: 10,
  retryDelayMs: 5_000,
  retryBackoffMultiplier: 3,
  requestTimeoutMs: 10_000,
};

export const DEFAULT_DISPATCH_OPTIONS: DispatchOptions = {
  enabled: true,
  concurrency: 100,
  perSubscriptionConcurrency: 50,
  claimBatchSize: 100,
  shutdownGraceMs: 10_000,
  pollIntervalMs: 1_000,
};

export const PRODUCT_NAME = 'nest-webhooks';
export const PRODUCT_VERSION = '0.1.0';

/** The module options with every default filled in, and the objects built from them. */
@Injectable()
export class WebhooksSettings {
  readonly urlPolicy: UrlPolicy;
  readonly resolveHost: HostResolver;
  readonly defaults: DeliveryDefaults;
  readonly leaseSeconds: number;
  readonly preparedStatements: boolean;
  readonly cipher: SecretCipher;
  readonly cursors: CursorCodec;
  readonly dispatch: DispatchOptions;
  readonly circuitBreaker: CircuitBreakerOptions;
  readonly directSend: DirectSendDefaults;
  readonly retentionDays: number;
  readonly userAgent: string;
  /** `WebHook-Request-Origin` of the CloudEvents handshake: PUBLIC_URL's host name, if known. */
  readonly handshakeOrigin: string | null;

  constructor(@Inject(WEBHOOKS_MODULE_OPTIONS) options: WebhooksModuleOptions) {
    this.urlPolicy = {
      allowHttp: options.urlPolicy?.allowHttp ?? false,
      allowPrivateUrls: options.urlPolicy?.allowPrivateUrls ?? false,
    };
    this.resolveHost = options.resolveHost ?? systemHostResolver;
    this.defaults = { ...CONTRACT_DELIVERY_DEFAULTS, ...definedOnly(options.defaults ?? {}) };
    this.leaseSeconds = options.leaseSeconds ?? 30;
    this.preparedStatements = options.preparedStatements ?? true;
    this.cipher = new SecretCipher(options.secretKey);
    this.cursors = new CursorCodec(`cursor:${options.secretKey}`);
    this.dispatch = { ...DEFAULT_DISPATCH_OPTIONS, ...definedOnly(options.dispatch ?? {}) };
    this.circuitBreaker = {
      ...DEFAULT_CIRCUIT_BREAKER,
      ...definedOnly(options.circuitBreaker ?? {}),
    };
    this.directSend = options.directSend ?? {};
    this.retentionDays = options.retentionDays ?? 30;
    this.userAgent = options.userAgent ?? `${PRODUCT_NAME}/${PRODUCT_VERSION}`;
    const publicUrl = options.publicUrl ?? options.portal?.publicUrl;
    this.handshakeOrigin = publicUrl ? new URL(publicUrl).hostname : null;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
