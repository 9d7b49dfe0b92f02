import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { errorMessage } from '../common/error-message';
import type { DirectEndpoint } from '../entities/webhook-delivery.entity';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import { WebhooksSettings } from '../webhooks-settings';
import type { SignedContent } from '../signing/signature-headers';
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
  /** What `X-Webhook-Signature` signs. */
  signedContent: SignedContent;
  format: string;
  headers: Record<string, string>;
  requestTimeoutMs: number;
}

/**
 * Where a held delivery goes: its target (inactive when its subscription was deleted or
 * deactivated), `gone` when the subscription row no longer exists, or `unreadable` when its
 * settings cannot be read now (the secret does not decrypt, as after a change of the module's
 * secret key): such a delivery is left leased and tried again, and the rest of its batch goes on.
 */
export type ResolvedTarget =
  | { kind: 'target'; target: DeliveryTarget }
  | { kind: 'gone' }
  | { kind: 'unreadable'; reason: string };

interface SubscriptionRow {
  id: string;
  url: string;
  is_active: boolean;
  deleted_at: Date | null;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  signature_algorithm: string;
  signed_content: SignedContent;
  format: string;
  headers: Record<string, string>;
  max_retry_count: number;
  retry_delay_ms: number;
  retry_backoff_multiplier: number;
  request_timeout_ms: number;
  updated_at: Date;
}

const TTL_MS = 1000;
const GONE: ResolvedTarget = { kind: 'gone' };

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
   * A lookup of each delivery's target, after one query for the subscriptions not cached.
   * A cached copy older than the subscription's `updatedAt` seen when the delivery was claimed (a
   * rotation or a PATCH on any instance) is reloaded at once; `fresh` reloads every one.
   */
  async forDeliveries(
    deliveries: readonly ClaimedDelivery[],
    options: { fresh?: boolean } = {},
  ): Promise<(delivery: ClaimedDelivery) => ResolvedTarget> {
    const now = Date.now();
    const bySubscription = new Map<string, ResolvedTarget>();
    const missing = new Set<string>();
    for (const { subscriptionId: id, subscriptionVersion } of deliveries) {
      if (!id || bySubscription.has(id) || missing.has(id)) continue;
      const hit = options.fresh ? undefined : this.cache.get(id);
      if (hit && hit.until > now && hit.version >= (subscriptionVersion ?? 0)) {
        bySubscription.set(id, { kind: 'target', target: hit.target });
      } else {
        missing.add(id);
      }
    }
    if (missing.size > 0) {
      const loaded = await this.load([...missing], now);
      for (const [id, resolved] of loaded) bySubscription.set(id, resolved);
    }
    return (delivery) =>
      delivery.subscriptionId
        ? (bySubscription.get(delivery.subscriptionId) ?? GONE)
        : this.fromEndpoint(delivery.endpoint!);
  }

  /** Loads and caches subscriptions (one query); one whose secret cannot be read is not cached. */
  private async load(ids: string[], now: number): Promise<Map<string, ResolvedTarget>> {
    const rows = await this.dataSource.query<SubscriptionRow[]>(
      `SELECT id, url, is_active, deleted_at, secret_encrypted, previous_secret_encrypted,
              previous_secret_expires_at, signature_algorithm, signed_content, format, headers, max_retry_count,
              retry_delay_ms, retry_backoff_multiplier, request_timeout_ms, updated_at
       FROM webhook_subscriptions WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const loaded = new Map<string, ResolvedTarget>();
    for (const row of rows) {
      const resolved = readable(() => this.fromSubscription(row, now));
      loaded.set(row.id, resolved);
      if (resolved.kind !== 'target') continue;
      const version = new Date(row.updated_at).getTime();
      this.cache.set(row.id, { target: resolved.target, until: now + TTL_MS, version });
    }
    return loaded;
  }

  private fromEndpoint(endpoint: DirectEndpoint): ResolvedTarget {
    return readable(() => ({
      subscriptionId: null,
      active: true,
      url: endpoint.url,
      secrets: endpoint.secretEncrypted
        ? [this.settings.cipher.decrypt(endpoint.secretEncrypted)]
        : [],
      signatureAlgorithm: endpoint.signatureAlgorithm,
      signedContent: endpoint.signedContent ?? 'timestamp.body',
      format: endpoint.format,
      headers: endpoint.headers,
      maxRetryCount: endpoint.maxRetryCount,
      retryDelayMs: endpoint.retryDelayMs,
      retryBackoffMultiplier: endpoint.retryBackoffMultiplier,
      requestTimeoutMs: endpoint.requestTimeoutMs,
    }));
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
      signedContent: row.signed_content,
      format: row.format,
      headers: row.headers ?? {},
      maxRetryCount: row.max_retry_count,
      retryDelayMs: row.retry_delay_ms,
      retryBackoffMultiplier: row.retry_backoff_multiplier,
      requestTimeoutMs: row.request_timeout_ms,
    };
  }
}

/** A target built by `build`, or `unreadable` when building it threw (a secret that does not decrypt). */
function readable(build: () => DeliveryTarget): ResolvedTarget {
  try {
    return { kind: 'target', target: build() };
  } catch (error) {
    return { kind: 'unreadable', reason: errorMessage(error) };
  }
}
