import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  isOperationalEventType,
  WEBHOOK_DELIVERY_EXHAUSTED,
  WEBHOOK_DELIVERY_FAILING,
  WEBHOOK_DELIVERY_RECOVERED,
} from '../catalog/builtin-event-types';
import type { OperationalEventPublisher } from '../interfaces/operational-event-publisher.interface';
import { OPERATIONAL_EVENTS } from '../webhooks.constants';
import type { AttemptOutcome } from './attempt-outcome';

/** The failed attempt that makes a delivery `failing` (CONTRACT.md: its 4th). */
export const FAILING_AT_ATTEMPT = 4;

/** An operational event about one delivery, to publish with the record of its attempt. */
export interface DeliveryNotice {
  type: string;
  companyId: string;
  data: {
    deliveryId: string;
    subscriptionId: string;
    eventId: string;
    eventType: string;
    attemptCount: number;
    lastStatusCode: number | null;
    lastError: string | null;
  };
}

/**
 * What recorded attempts tell the company (pure): `webhook.delivery.failing` at a delivery's 4th
 * failed attempt, `.exhausted` when it ends failed, `.recovered` when one that was failing
 * succeeds. Never about a delivery of an operational event (no loop), nor a direct send's.
 * Attempt numbers count every attempt of a delivery, so "the 4th failed" is "attempt 4 failed":
 * both the same but for a delivery tried again by hand after it had succeeded.
 */
export function deliveryNotices(records: readonly AttemptOutcome[]): DeliveryNotice[] {
  const notices: DeliveryNotice[] = [];
  for (const r of records) {
    if (r.kind !== 'attempted') continue;
    const d = r.delivery;
    if (!d.subscriptionId || isOperationalEventType(d.eventType)) continue;
    const n = d.attemptNumber;
    const failed = r.status === 'failed';
    const types: string[] = [];
    if (failed && n === FAILING_AT_ATTEMPT) types.push(WEBHOOK_DELIVERY_FAILING);
    if (failed && r.nextStatus === 'failed') types.push(WEBHOOK_DELIVERY_EXHAUSTED);
    if (!failed && n > FAILING_AT_ATTEMPT) types.push(WEBHOOK_DELIVERY_RECOVERED);
    for (const type of types) {
      notices.push({
        type,
        companyId: d.companyId,
        data: {
          deliveryId: d.id,
          subscriptionId: d.subscriptionId,
          eventId: d.eventId,
          eventType: d.eventType,
          attemptCount: n,
          lastStatusCode: r.statusCode,
          lastError: r.error,
        },
      });
    }
  }
  return notices;
}

/**
 * Publishes delivery notices in the same transaction as the record that gives rise to them: the
 * recorder's batches without any (nearly all) are written as before, in one statement. The
 * publisher is looked up when first needed: it depends on the dispatcher, which records through
 * this.
 */
@Injectable()
export class DeliveryNotices {
  private publisher: OperationalEventPublisher | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  private get events(): OperationalEventPublisher {
    this.publisher ??= this.moduleRef.get<OperationalEventPublisher>(OPERATIONAL_EVENTS, {
      strict: false,
    });
    return this.publisher;
  }

  async recordWith(
    notices: readonly DeliveryNotice[],
    record: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await record(manager);
      await this.events.publishAll(notices, manager);
    });
  }
}
