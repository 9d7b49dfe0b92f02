import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { EventCatalog } from '../catalog/event-catalog.service';
import { checkSubscriberUrl, UrlPolicyViolation } from '../security/url-policy';
import { WebhooksError, WebhooksErrorCode } from '../webhooks.errors';
import { WebhooksSettings } from '../webhooks-settings';
import type { CreateSubscriptionDto } from './dto/create-subscription.dto';
import type {
  CreatedSubscriptionDto,
  SubscriptionDto,
  SubscriptionPageDto,
} from './dto/subscription.dto';
import type { UpdateSubscriptionDto } from './dto/update-subscription.dto';
import { DeliveryQueue } from '../queue/delivery-queue.repository';
import { SerializerRegistry } from '../formats/serializer-registry';
import { SignatureProviderRegistry } from '../signing/signature-headers';
import { refuseUnknownFormatOrAlgorithm } from '../signing/known-format-and-algorithm';
import { CloudEventsHandshake } from './cloudevents-handshake';
import { type ShownKey, SigningKeys } from './signing-keys';
import { EndpointEvents } from './endpoint-events';
import { SubscriptionRepository } from './subscription.repository';
import type { WebhookSubscription } from '../entities/webhook-subscription.entity';

export function toSubscriptionDto(row: WebhookSubscription): SubscriptionDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    isActive: row.isActive,
    format: row.format,
    signatureAlgorithm: row.signatureAlgorithm,
    signedContent: row.signedContent,
    handshake: row.handshake,
    publicKey: row.publicKey,
    headers: row.headers,
    maxRetryCount: row.maxRetryCount,
    retryDelayMs: row.retryDelayMs,
    retryBackoffMultiplier: row.retryBackoffMultiplier,
    requestTimeoutMs: row.requestTimeoutMs,
    batch: row.batch,
    filter: row.filter,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Subscription management: validation beyond the DTO (catalog, URL policy), secrets, paging. */
@Injectable()
export class SubscriptionsService {
  private readonly logger = new Logger(SubscriptionsService.name);

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly catalog: EventCatalog,
    private readonly settings: WebhooksSettings,
    private readonly queue: DeliveryQueue,
    private readonly serializers: SerializerRegistry,
    private readonly signers: SignatureProviderRegistry,
    private readonly keys: SigningKeys,
    private readonly handshakes: CloudEventsHandshake,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly endpointEvents: EndpointEvents,
  ) {}

  async create(companyId: string, body: CreateSubscriptionDto): Promise<CreatedSubscriptionDto> {
    this.checkEvents(body.events);
    refuseUnknownFormatOrAlgorithm(body, this.serializers, this.signers);
    const signatureAlgorithm = body.signatureAlgorithm ?? 'HmacSha256';
    const signedContent = body.signedContent ?? 'timestamp.body';
    this.keys.checkSignedContent(signatureAlgorithm, signedContent);
    const url = await this.checkUrl(body.url);
    // Before the handshake: a secret chosen with an asymmetric algorithm is refused offline.
    const { stored, shown } = this.keys.create(signatureAlgorithm, body.secret);
    const { defaults } = this.settings;
    const handshake = body.handshake ?? 'none';
    if (handshake === 'cloudevents') {
      await this.handshakes.validate(url, {
        timeoutMs: body.requestTimeoutMs ?? defaults.requestTimeoutMs,
      });
    }
    const values = {
      url,
      events: unique(body.events),
      description: body.description ?? null,
      isActive: body.isActive ?? true,
      ...stored,
      format: body.format ?? 'json',
      signatureAlgorithm,
      signedContent,
      handshake,
      headers: body.headers ?? {},
      maxRetryCount: body.maxRetryCount ?? defaults.maxRetryCount,
      retryDelayMs: body.retryDelayMs ?? defaults.retryDelayMs,
      retryBackoffMultiplier: body.retryBackoffMultiplier ?? defaults.retryBackoffMultiplier,
      requestTimeoutMs: body.requestTimeoutMs ?? defaults.requestTimeoutMs,
      batch: body.batch ?? false,
      filter: body.filter ?? null,
    };
    // The row and its webhook.endpoint.created commit together.
    const row = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.subscriptions.insertForCompany(companyId, values, manager);
      await this.endpointEvents.created(inserted, manager);
      return inserted;
    });
    this.logger.log(`Subscription ${row.id} created for company ${companyId}`);
    return { ...toSubscriptionDto(row), ...shown };
  }

  async list(companyId: string, limit: number, cursor?: string): Promise<SubscriptionPageDto> {
    const scope = `subscriptions:${companyId}`;
    const after = cursor ? this.settings.cursors.decode(cursor, scope) : null;
    if (cursor && !after) {
      throw new WebhooksError(WebhooksErrorCode.InvalidCursor, 'cursor was not issued by this API');
    }
    const page = await this.subscriptions.pageForCompany(companyId, after, limit);
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map(toSubscriptionDto),
      nextCursor: page.hasMore && last ? this.settings.cursors.encode(last, scope) : null,
    };
  }

  async get(companyId: string, id: string): Promise<SubscriptionDto> {
    return toSubscriptionDto(await this.require(companyId, id));
  }

  async update(
    companyId: string,
    id: string,
    body: UpdateSubscriptionDto,
  ): Promise<SubscriptionDto> {
    const row = await this.require(companyId, id);
    for (const [field, value] of Object.entries(body)) {
      if (value === null && field !== 'description' && field !== 'filter') {
        throw WebhooksError.invalidField(field, `${field} may not be null`);
      }
    }
    refuseUnknownFormatOrAlgorithm(body, this.serializers, this.signers);
    const algorithm = body.signatureAlgorithm ?? row.signatureAlgorithm;
    this.keys.checkSignedContent(algorithm, body.signedContent ?? row.signedContent);
    const changes: Partial<WebhookSubscription> = this.keys.forAlgorithmChange(row, algorithm);
    if (body.events !== undefined) {
      this.checkEvents(body.events);
      changes.events = unique(body.events);
    }
    if (body.url !== undefined) changes.url = await this.checkUrl(body.url);
    const handshake = body.handshake ?? row.handshake;
    if (handshake === 'cloudevents' && (changes.url !== undefined || row.handshake !== handshake)) {
      // A new URL (or a handshake newly asked for) is validated before anything changes.
      await this.handshakes.validate(changes.url ?? row.url, {
        timeoutMs: body.requestTimeoutMs ?? row.requestTimeoutMs,
      });
    }
    const simple = [
      'description',
      'isActive',
      'format',
      'signatureAlgorithm',
      'signedContent',
      'handshake',
      'headers',
      'maxRetryCount',
      'retryDelayMs',
      'retryBackoffMultiplier',
      'requestTimeoutMs',
      'batch',
      'filter',
    ] as const;
    for (const key of simple) {
      if (body[key] !== undefined) Object.assign(changes, { [key]: body[key] });
    }
    const enabled = body.isActive === true && !row.isActive;
    if (enabled) {
      // Switched back on: the failure history that deactivated it starts over.
      changes.failingSince = null;
      changes.disabledReason = null;
    }
    const saved = await this.dataSource.transaction(async (manager) => {
      const updated = await this.subscriptions.updateForCompany(companyId, row, changes, manager);
      await this.endpointEvents.updated(updated, enabled, manager);
      return updated;
    });
    return toSubscriptionDto(saved);
  }

  async remove(companyId: string, id: string): Promise<void> {
    const row = await this.require(companyId, id);
    await this.dataSource.transaction(async (manager) => {
      await this.subscriptions.softDeleteForCompany(companyId, id, manager);
      await this.queue.cancelPending(id, { companyId, manager });
      await this.endpointEvents.deleted(row, manager);
    });
    this.logger.log(`Subscription ${id} deleted for company ${companyId}`);
  }

  /** The secret, or an asymmetric algorithm's public key. */
  async getSecret(companyId: string, id: string): Promise<ShownKey> {
    return this.keys.shown(await this.require(companyId, id));
  }

  /** A new secret (or key pair); the old one keeps signing beside it for 24 h. */
  async rotateSecret(companyId: string, id: string): Promise<ShownKey> {
    const row = await this.require(companyId, id);
    const { changes, shown } = this.keys.rotate(row);
    await this.subscriptions.updateForCompany(companyId, row, changes);
    this.logger.log(`Subscription ${id}: signing secret rotated`);
    return shown;
  }

  /** The row, or 404 (also for another company's id, and for ids that are not UUIDs). */
  async require(companyId: string, id: string): Promise<WebhookSubscription> {
    const row = isUUID(id) ? await this.subscriptions.findOneForCompany(companyId, id) : null;
    if (!row) {
      throw new WebhooksError(
        WebhooksErrorCode.SubscriptionNotFound,
        `subscription ${id} was not found`,
      );
    }
    return row;
  }

  private checkEvents(events: readonly string[]): void {
    const unknown = events.filter((filter) => !this.catalog.acceptsFilter(filter));
    if (unknown.length) {
      throw WebhooksError.invalidField(
        'events',
        `events: ${unknown.map((e) => `"${e}"`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in the event catalog (GET /api/event-types)`,
      );
    }
  }

  private async checkUrl(raw: string): Promise<string> {
    try {
      const { url } = await checkSubscriberUrl(
        raw,
        this.settings.urlPolicy,
        this.settings.resolveHost,
      );
      return url.toString();
    } catch (error) {
      if (error instanceof UrlPolicyViolation) {
        throw WebhooksError.invalidField('url', error.message);
      }
      throw error;
    }
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
