import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DELIVERIES_CHANNEL } from '../queue/outbox.statements';
import { WebhooksSettings } from '../webhooks-settings';
import { DispatchSignal } from './dispatch-signal';
import { isServerShutdown } from '../shared/sql-state';
import { errorMessage } from '../common/error-message';

/**
 * LISTENs on the deliveries channel so that an event committed by any instance (or inside a
 * host's transaction) wakes this instance's dispatcher at once. Reconnects with backoff.
 */
@Injectable()
export class DeliveryNotifications implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryNotifications.name);
  private client: Client | null = null;
  private release: ((error?: unknown) => void) | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signal: DispatchSignal,
    private readonly settings: WebhooksSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.dispatch.enabled) return;
    void this.connect();
  }

  /** Before TypeORM closes its pool, which waits for this held connection. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    const release = this.release;
    this.client = null;
    this.release = null;
    if (client) {
      client.removeAllListeners('notification');
      await client.query(`UNLISTEN ${DELIVERIES_CHANNEL}`).catch(() => undefined);
    }
    release?.();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      // A pooled connection of TypeORM's postgres driver, held for as long as we listen.
      const driver = this.dataSource.driver as unknown as {
        obtainMasterConnection(): Promise<[Client, (error?: unknown) => void]>;
      };
      const [client, release] = await driver.obtainMasterConnection();
      this.client = client;
      this.release = release;
      client.on('notification', () => this.signal.wake());
      client.once('error', (error: Error) => this.reconnect(error));
      await client.query(`LISTEN ${DELIVERIES_CHANNEL}`);
      if (this.failures > 0) this.logger.log('Listening for delivery notifications again');
      this.failures = 0;
      this.signal.wake();
    } catch (error) {
      this.reconnect(error);
    }
  }

  private reconnect(error: unknown): void {
    if (this.stopped) return;
    const release = this.release;
    this.client?.removeAllListeners('notification');
    this.client = null;
    this.release = null;
    release?.(error instanceof Error ? error : new Error(String(error)));
    this.failures++;
    const delay = Math.min(10_000, 250 * 2 ** Math.min(this.failures, 6));
    const message = `Delivery notifications unavailable (${errorMessage(error)}); retrying in ${delay} ms`;
    if (isServerShutdown(error)) this.logger.log(message);
    else this.logger.warn(message);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }
}
