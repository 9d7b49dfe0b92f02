import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeliveryQueue } from '../queue/delivery-queue.repository';
import { WebhooksSettings } from '../webhooks-settings';
import { DispatchSignal } from './dispatch-signal';
import { SubscriptionHealth } from './subscription-health.service';
import { errorMessage } from '../common/error-message';

const PURGE_BATCH = 1000;
const PURGE_MAX_BATCHES = 200;
const REAP_INTERVAL_MS = 5_000;
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** How often subscriptions failing for 5 days are looked for, traffic or not. */
export const FAILING_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The scheduled side of delivery (on `@nestjs/schedule`'s registry): a tick that picks up due
 * retries, a reaper that hands out deliveries whose lease expired (their holder died), the hourly
 * sweep of subscriptions failing for 5 days, and the retention purge.
 */
@Injectable()
export class DeliveryJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryJobs.name);
  private readonly names: string[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: WebhooksSettings,
    private readonly signal: DispatchSignal,
    private readonly scheduler: SchedulerRegistry,
    private readonly queue: DeliveryQueue,
    private readonly health: SubscriptionHealth,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.dispatch.enabled) return;
    this.every('webhooks:tick', this.settings.dispatch.pollIntervalMs, async () =>
      this.signal.wake('tick'),
    );
    this.every('webhooks:reap-leases', REAP_INTERVAL_MS, async () => {
      const reaped = await this.reapExpiredLeases();
      if (reaped > 0) this.logger.warn(`Re-queued ${reaped} deliveries whose lease expired`);
    });
    this.every('webhooks:failing-sweep', FAILING_SWEEP_INTERVAL_MS, async () => {
      const swept = await this.health.sweepFailing();
      if (swept > 0) this.logger.warn(`Deactivated ${swept} subscriptions failing for 5 days`);
    });
    if (this.settings.retentionDays > 0) {
      this.every('webhooks:retention', RETENTION_INTERVAL_MS, async () => {
        await this.purgeExpired();
      });
    }
  }

  onApplicationShutdown(): void {
    for (const name of this.names) {
      if (this.scheduler.doesExist('interval', name)) this.scheduler.deleteInterval(name);
    }
  }

  /** Deliveries left `sending` by an instance that stopped renewing: pending again, due at once. */
  async reapExpiredLeases(): Promise<number> {
    const count = await this.queue.reapExpired();
    if (count > 0) this.signal.wake();
    return count;
  }

  /**
   * Deletes attempts, and events whose deliveries all ended (with those deliveries), older than
   * the retention, in bounded batches; then deleted subscriptions with no history left.
   */
  async purgeExpired(): Promise<{ attempts: number; events: number; subscriptions: number }> {
    const days = this.settings.retentionDays;
    const purged = { attempts: 0, events: 0, subscriptions: 0 };
    if (days <= 0) return purged;
    const cutoff = [days * 86_400];
    purged.attempts = await this.inBatches(
      `DELETE FROM webhook_attempts WHERE id IN (
         SELECT id FROM webhook_attempts WHERE created_at < now() - make_interval(secs => $1) LIMIT ${PURGE_BATCH})`,
      cutoff,
    );
    purged.events = await this.inBatches(
      `DELETE FROM webhook_events WHERE id IN (
         SELECT e.id FROM webhook_events e
         WHERE e.created_at < now() - make_interval(secs => $1)
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                           WHERE d.event_id = e.id
                             AND (d.status IN ('pending', 'sending')
                                  OR d.updated_at >= now() - make_interval(secs => $1)))
         LIMIT ${PURGE_BATCH})`,
      cutoff,
    );
    purged.subscriptions = await this.inBatches(
      `DELETE FROM webhook_subscriptions WHERE id IN (
         SELECT s.id FROM webhook_subscriptions s
         WHERE s.deleted_at < now() - make_interval(secs => $1)
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.subscription_id = s.id)
         LIMIT ${PURGE_BATCH})`,
      cutoff,
    );
    if (purged.attempts || purged.events || purged.subscriptions) {
      this.logger.log(
        `Retention (${days} days): purged ${purged.attempts} attempts, ${purged.events} events, ${purged.subscriptions} deleted subscriptions`,
      );
    }
    return purged;
  }

  private async inBatches(sql: string, parameters: unknown[]): Promise<number> {
    let total = 0;
    for (let i = 0; i < PURGE_MAX_BATCHES; i++) {
      const [, count] = await this.dataSource.query<[unknown[], number]>(sql, parameters);
      total += count;
      if (count < PURGE_BATCH) break;
    }
    return total;
  }

  private every(name: string, ms: number, job: () => Promise<void>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      job()
        .catch((error: unknown) => this.logger.warn(`${name} failed: ${errorMessage(error)}`))
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    this.scheduler.addInterval(name, timer);
    this.names.push(name);
  }
}
