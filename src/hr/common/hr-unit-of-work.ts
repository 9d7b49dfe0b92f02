import { Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { WebhookPublisher } from 'nest-webhooks';
import { HrDomainEvent } from '../hr-domain-event';
import type { HrEventData, HrEventType } from '../hr-event-types';

/** What the work of one HR change gets: its transaction, and a way to emit events in it. */
export interface HrTransaction {
  readonly manager: EntityManager;
  /**
   * Stores the webhook event (and its deliveries) in this transaction: it exists exactly when the
   * change commits. Rejects (rolling the change back) if the event cannot be stored.
   */
  publish<T extends HrEventType>(type: T, data: HrEventData[T]): Promise<void>;
}

/**
 * Runs one HR change: the service's writes and `WebhookPublisher.publish(type, data,
 * {companyId, manager})` share ONE `dataSource.transaction`, so a failed publish rolls the change
 * back and a failed write stores no event. Only after the commit, each published event is also
 * emitted in-process as an `HrDomainEvent` named `hr.<type>`.
 */
@Injectable()
export class HrUnitOfWork {
  private readonly logger = new Logger(HrUnitOfWork.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: WebhookPublisher,
    @Optional() private readonly emitter?: EventEmitter2,
  ) {}

  async run<R>(companyId: string, work: (tx: HrTransaction) => Promise<R>): Promise<R> {
    const committed: HrDomainEvent[] = [];
    const result = await this.dataSource.transaction((manager) =>
      work({
        manager,
        publish: async <T extends HrEventType>(type: T, data: HrEventData[T]) => {
          const event = await this.publisher.publish(type, data, { companyId, manager });
          committed.push(new HrDomainEvent(type, companyId, data, event.id));
        },
      }),
    );
    for (const event of committed) this.emitCommitted(event);
    return result;
  }

  /** The change is committed: a throwing listener is logged, never turned into a failed request. */
  private emitCommitted(event: HrDomainEvent): void {
    try {
      this.emitter?.emit(HrDomainEvent.nameOf(event.type), event);
    } catch (error) {
      this.logger.error(
        `A listener of ${HrDomainEvent.nameOf(event.type)} failed: ${String(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
    }
  }
}
