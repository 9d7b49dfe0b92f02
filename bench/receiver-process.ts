/** The bench's receiver (`receiver.js`, its own process), driven over IPC. */
import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Receiver {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<Receiver> {
    const child = fork(path.join(__dirname, 'receiver.js'), [], { stdio: 'inherit' });
    const { port } = await new Promise<{ port: number }>((resolve) =>
      child.once('message', (m) => resolve(m as { port: number })),
    );
    return new Receiver(child, port);
  }

  url(p = '/hook'): string {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  private ask<T>(message: object): Promise<T> {
    return new Promise<T>((resolve) => {
      this.child.once('message', (m) => resolve(m as T));
      this.child.send(message);
    });
  }

  count(): Promise<{ requests: number; distinct: number }> {
    return this.ask({ cmd: 'count' });
  }

  arrivals(ids: string[]): Promise<(number | null)[]> {
    return this.ask<{ arrivals: (number | null)[] }>({ cmd: 'arrivals', ids }).then(
      (r) => r.arrivals,
    );
  }

  reset(): Promise<unknown> {
    return this.ask({ cmd: 'reset' });
  }

  stop(): void {
    this.child.send({ cmd: 'stop' });
  }

  /** Resolves when `distinct` first arrivals were seen; the time of that moment. */
  async waitForDistinct(n: number, timeoutMs = 180_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { distinct } = await this.count();
      if (distinct >= n) return Date.now();
      await sleep(5);
    }
    throw new Error(`receiver saw fewer than ${n} deliveries within ${timeoutMs} ms`);
  }
}
