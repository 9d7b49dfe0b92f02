import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from './time';

/** One request the receiver got, body byte-exact. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  at: number;
}

/** How to answer a request: a status (and headers/body, after `delayMs`), or `hang` to never answer. */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | { hang: true };

/**
 * A real HTTP receiver on 127.0.0.1 for tests: records every request and answers with the
 * scripted replies (in order, then the default), per path.
 */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, Reply[]>();
  private defaultReply: Reply = { status: 200, body: 'ok' };
  private readonly waiters: { predicate: () => boolean; resolve: () => void }[] = [];
  private readonly hanging = new Set<ServerResponse>();
  /** Requests being answered right now, and the most there were at once, per path. */
  private readonly open = new Map<string, { now: number; most: number }>();
  private readonly openOverall = { now: 0, most: 0 };
  private server!: Server;
  port = 0;

  static async start(): Promise<TestReceiver> {
    const receiver = new TestReceiver();
    receiver.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const path = req.url ?? '/';
        receiver.requests.push({
          method: req.method ?? '',
          path,
          headers: req.headers,
          body,
          text: body.toString('utf8'),
          at: Date.now(),
        });
        const script = receiver.scripts.get(path);
        const reply = script?.length ? script.shift()! : receiver.defaultReply;
        const open = receiver.open.get(path) ?? { now: 0, most: 0 };
        receiver.open.set(path, open);
        for (const counter of [open, receiver.openOverall]) {
          counter.now++;
          counter.most = Math.max(counter.most, counter.now);
        }
        res.once('close', () => {
          open.now--;
          receiver.openOverall.now--;
        });
        if ('hang' in reply) {
          receiver.hanging.add(res);
        } else {
          const answer = () => {
            res.writeHead(reply.status, reply.headers ?? {});
            res.end(reply.body ?? '');
          };
          if (reply.delayMs) setTimeout(answer, reply.delayMs);
          else answer();
        }
        receiver.notify();
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

  /** Answers the next requests to `path` with these replies, in order. */
  script(path: string, ...replies: Reply[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...replies]);
  }

  setDefault(reply: Reply): void {
    this.defaultReply = reply;
  }

  /** Answers every request left hanging so far with `status`. */
  release(status = 200): void {
    for (const res of this.hanging) {
      if (!res.destroyed) res.writeHead(status).end();
    }
    this.hanging.clear();
  }

  /** The most requests to `path` (to any path when null) that were being answered at once. */
  mostOpen(path: string | null): number {
    return path === null ? this.openOverall.most : (this.open.get(path)?.most ?? 0);
  }

  on(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves once `count` requests reached `path` (or any path when null); rejects after timeoutMs. */
  async waitFor(
    count: number,
    path: string | null = null,
    timeoutMs = 15_000,
  ): Promise<ReceivedRequest[]> {
    const matching = () => (path === null ? this.requests : this.on(path));
    if (matching().length >= count) return matching();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `waited ${timeoutMs} ms for ${count} requests to ${path ?? 'any path'}, got ${matching().length}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({
        predicate: () => matching().length >= count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
    return matching();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
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

/** Polls `check` until it returns a truthy value (bounded). */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}
