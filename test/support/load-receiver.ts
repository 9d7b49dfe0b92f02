import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the load receiver keeps it: only what counting needs. */
export interface Receipt {
  webhookId: string;
  deliveryId: string;
  at: number;
}

/**
 * A receiver for load and crash tests: answers every request 200 after a random delay (0 to
 * `maxDelayMs`), and records the `webhook-id` of each one, with the time it was received.
 * (TestReceiver answers at once and keeps whole bodies; this one stays small at thousands.)
 */
export class LoadReceiver {
  readonly receipts: Receipt[] = [];
  /** webhook-id -> how many times it arrived. */
  readonly counts = new Map<string, number>();
  private readonly waiters: { predicate: () => boolean; resolve: () => void }[] = [];
  private server!: Server;
  port = 0;

  private constructor(private readonly maxDelayMs: number) {}

  static async start(maxDelayMs = 20): Promise<LoadReceiver> {
    const receiver = new LoadReceiver(maxDelayMs);
    receiver.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const webhookId = String(req.headers['webhook-id'] ?? '');
        receiver.receipts.push({
          webhookId,
          deliveryId: String(req.headers['x-webhook-delivery'] ?? ''),
          at: Date.now(),
        });
        receiver.counts.set(webhookId, (receiver.counts.get(webhookId) ?? 0) + 1);
        receiver.notify();
        const delay = Math.floor(Math.random() * (receiver.maxDelayMs + 1));
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        }, delay);
      });
    });
    receiver.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Distinct webhook-ids received so far. */
  get distinct(): number {
    return this.counts.size;
  }

  /** Resolves once `predicate` holds (checked on every request); rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `waited ${timeoutMs} ms for ${what}: ${this.receipts.length} requests, ${this.distinct} distinct webhook-ids`,
          ),
        );
      }, timeoutMs);
      timer.unref();
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
