import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { errorMessage } from '../common/error-message';
import type { AttemptOutcome } from './attempt-outcome';
import { AttemptRecorder } from './attempt-recorder';
import { DeliveryTargets } from './delivery-targets';
import { DispatchSignal } from './dispatch-signal';
import { FAILED_FOR_5_DAYS, SubscriptionHealth } from './subscription-health.service';

/**
 * What recorded attempts mean beyond their deliveries: a wake-up at the earliest retry, and the
 * deactivation of subscriptions whose endpoint answered 410 or has failed for 5 days.
 */
@Injectable()
export class AttemptConsequences implements OnModuleInit {
  private readonly logger = new Logger(AttemptConsequences.name);

  constructor(
    private readonly signal: DispatchSignal,
    private readonly targets: DeliveryTargets,
    private readonly health: SubscriptionHealth,
    private readonly recorder: AttemptRecorder,
  ) {}

  onModuleInit(): void {
    this.recorder.onRecorded((records) => this.afterRecorded(records));
  }

  /** Never throws: a failed deactivation is logged, and tried again on the next failure. */
  async afterRecorded(records: readonly AttemptOutcome[]): Promise<void> {
    let earliest = Infinity;
    const gone = new Set<string>();
    const failing = new Set<string>();
    for (const r of records) {
      if (r.kind !== 'attempted') continue;
      if (r.nextAttemptAt) earliest = Math.min(earliest, r.nextAttemptAt.getTime());
      const id = r.delivery.subscriptionId;
      if (!id) continue;
      if (r.gone) gone.add(id);
      if (r.status === 'failed') failing.add(id);
    }
    if (earliest !== Infinity) this.signal.wakeAt(earliest);
    try {
      for (const id of gone) await this.deactivate(id, 'the endpoint answered 410 Gone');
      if (failing.size === 0) return;
      for (const id of await this.health.failingTooLong([...failing])) {
        await this.deactivate(id, FAILED_FOR_5_DAYS);
      }
    } catch (error) {
      this.logger.error(`Deactivating failing subscriptions failed: ${errorMessage(error)}`);
    }
  }

  private async deactivate(subscriptionId: string, reason: string): Promise<void> {
    this.targets.forget(subscriptionId);
    await this.health.deactivate(subscriptionId, reason);
  }
}
