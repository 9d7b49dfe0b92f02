import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DirectEndpoint } from '../entities/webhook-delivery.entity';
import { WebhooksSettings } from '../webhooks-settings';
import type { RetrySettings } from './retry-policy';

/** Where and how one delivery is sent: a subscription's settings, or a direct send's endpoint. */
export interface DeliveryTarget extends RetrySettings {
  subscriptionId: string | null;
  /** false: deleted or deactivated since the delivery was created (it is cancelled). */
  active: boolean;
  url: string;
  /** Signing secrets, current first (the previous one during a rotation); [] sends unsigned. */
  secrets: string[];
  signatureAlgorithm: string;
  format: string;
  headers: Record<string, string>;
  requestTimeoutMs: number;
}

interface SubscriptionRow {
  id: string;
  url: string;
  is_active: boolean;
  deleted_at: Date | null;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  signature_algorithm: string;
  format: string;
  headers: Record<string, string>;
  max_retry_count: number;
  retry_delay_ms: number;
  retry_backoff_multiplier: number;
  request_timeout_ms: number;
  updated_at: Date;
}

const TTL_MS = 1000;

/**
 * Resolves delivery targets with one query per batch, caching decrypted subscriptions for a
 * second (a change or deactivation takes effect within that second).
 */
@Injectable()
export class DeliveryTargets {
  private readonly cache = new Map<
    string,
    { target: DeliveryTarget; until: number; version: number }
  >();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: WebhooksSettings,
  ) {}

  /**
   * Targets by subscription id. `versions` maps each id to the subscription's `updatedAt` (ms)
   * seen when its deliveries were claimed: a cached copy older than that (a rotation or a PATCH
   * on any instance) is reloaded at once.
   */
  async forSubscriptions(
    versions: ReadonlyMap<string, number>,
  ): Promise<Map<string, DeliveryTarget>> {
    const now = Date.now();
    const found = new Map<string, DeliveryTarget>();
    const missing: string[] = [];
    for (const [id, version] of versions) {
      const hit = this.cache.get(id);
      if (hit && hit.until > now && hit.version >= version) found.set(id, hit.target);
      else missing.push(id);
    }
    if (missing.length) {
      const rows = await this.dataSource.query<SubscriptionRow[]>(
        `SELECT id, url, is_active, deleted_at, secret_encrypted, previous_secret_encrypted,
                previous_secret_expires_at, signature_algorithm, format, headers, max_retry_count,
                retry_delay_ms, retry_backoff_multiplier, request_timeout_ms, updated_at
         FROM webhook_subscriptions WHERE id = ANY($1::uuid[])`,
        [missing],
      );
      for (const row of rows) {
        const target = this.fromSubscription(row, now);
        found.set(row.id, target);
        this.cache.set(row.id, {
          target,
          until: now + TTL_MS,
          version: new Date(row.updated_at).getTime(),
        });
      }
    }
    return found;
  }

  fromEndpoint(endpoint: DirectEndpoint): DeliveryTarget {
    return {
      subscriptionId: null,
      active: true,
      url: endpoint.url,
      secrets: endpoint.secretEncrypted
        ? [this.settings.cipher.decrypt(endpoint.secretEncrypted)]
        : [],
      signatureAlgorithm: endpoint.signatureAlgorithm,
      format: endpoint.format,
      headers: endpoint.headers,
      maxRetryCount: endpoint.maxRetryCount,
      retryDelayMs: endpoint.retryDelayMs,
      retryBackoffMultiplier: endpoint.retryBackoffMultiplier,
      requestTimeoutMs: endpoint.requestTimeoutMs,
    };
  }

  forget(subscriptionId: string): void {
    this.cache.delete(subscriptionId);
  }

  private fromSubscription(row: SubscriptionRow, now: number): DeliveryTarget {
    const secrets = [this.settings.cipher.decrypt(row.secret_encrypted)];
    if (
      row.previous_secret_encrypted &&
      row.previous_secret_expires_at &&
      new Date(row.previous_secret_expires_at).getTime() > now
    ) {
      secrets.push(this.settings.cipher.decrypt(row.previous_secret_encrypted));
    }
    return {
      subscriptionId: row.id,
      active: row.is_active && row.deleted_at === null,
      url: row.url,
      secrets,
      signatureAlgorithm: row.signature_algorithm,
      format: row.format,
      headers: row.headers ?? {},
      maxRetryCount: row.max_retry_count,
      retryDelayMs: row.retry_delay_ms,
      retryBackoffMultiplier: row.retry_backoff_multiplier,
      requestTimeoutMs: row.request_timeout_ms,
    };
  }
}
