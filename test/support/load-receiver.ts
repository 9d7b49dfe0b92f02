import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the load receiver keeps it: headers and a digest of the body, not the body. */
export interface Receipt {
  webhookId: string;
  deliveryId: string;
  eventType: string;
  /** SHA-256 of the body bytes: equal bodies on every attempt of a delivery. */
  bodyHash: string;
  /** The body's `id` and `data.candidateId` (JSON bodies), or null. */
  bodyId: string | null;
  candidateId: string | null;
  at: number;
}

/**
 * A receiver for load and crash tests: answers every request 200 after a random delay (0 to
 * `maxDelayMs`), and records per request its headers, the body's ids and a hash of the body, with
 * the time it was received. (TestReceiver answers at once and keeps whole bodies; this one stays
 * small at thousands.)
 */
export class LoadReceiver {
  readonly receipts: Receipt[] = [];
  /** webhook-id -> its receipts, in arrival order. */
  readonly byId = new Map<string, Receipt[]>();
  private readonly waiters: { predicate: () => boolean; resolve: () => void }[] = [];
  private server!: Server;
  port = 0;

  private constructor(private readonly maxDelayMs: number) {}

  static async start(maxDelayMs = 20): Promise<LoadReceiver> {
    const receiver = new LoadReceiver(maxDelayMs);
    receiver.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const receipt: Receipt = {
          webhookId: String(req.headers['webhook-id'] ?? ''),
          deliveryId: String(req.headers['x-webhook-delivery'] ?? ''),
          eventType: String(req.headers['x-webhook-event'] ?? ''),
          bodyHash: createHash('sha256').update(body).digest('hex'),
          at: Date.now(),
          ...bodyIds(body),
        };
        receiver.receipts.push(receipt);
        const list = receiver.byId.get(receipt.webhookId);
        if (list) list.push(receipt);
        else receiver.byId.set(receipt.webhookId, [receipt]);
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
    return this.byId.size;
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

function bodyIds(body: Buffer): { bodyId: string | null; candidateId: string | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { bodyId: null, candidateId: null };
  }
  if (typeof parsed !== 'object' || parsed === null) return { bodyId: null, candidateId: null };
  const bodyId = 'id' in parsed && typeof parsed.id === 'string' ? parsed.id : null;
  let candidateId: string | null = null;
  if ('data' in parsed && typeof parsed.data === 'object' && parsed.data !== null) {
    const data = parsed.data;
    if ('candidateId' in data && typeof data.candidateId === 'string') {
      candidateId = data.candidateId;
    }
  }
  return { bodyId, candidateId };
}
