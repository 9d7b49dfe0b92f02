import { connect, createServer, type Server, type Socket } from 'node:net';

/** What a DOWN proxy does with new connections. */
export type DownMode =
  /** The listening socket is closed: connecting fails with ECONNREFUSED (a stopped server). */
  | 'refuse'
  /** Connections are accepted and reset at once: ECONNRESET (a server that drops everyone). */
  | 'reset';

/**
 * A TCP proxy a test controls, in front of one server (the PostgreSQL of the test run): listens on
 * 127.0.0.1:<free port> and forwards every connection to `target`. `down()` destroys every open
 * connection (client and upstream side) and refuses new ones; `up()` forwards again, on the same
 * port. The app under test connects through it, so the test can take "the database" away without
 * touching the server itself.
 */
export class TcpProxy {
  readonly host = '127.0.0.1';
  port = 0;
  /** Connections forwarded since the start. */
  forwarded = 0;
  /** Connections that reached the proxy while DOWN and were reset at once. */
  rejected = 0;
  private server: Server;
  private up_ = true;
  private mode: DownMode = 'refuse';
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Starts a proxy to `target` (`postgres://...` URL or host and port). */
  static async start(target: string | { host: string; port: number }): Promise<TcpProxy> {
    const { host, port } =
      typeof target === 'string'
        ? { host: new URL(target).hostname, port: Number(new URL(target).port || 5432) }
        : target;
    const proxy = new TcpProxy(host, port);
    await proxy.listen(0);
    return proxy;
  }

  /** `url` (a `postgres://` URL) with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = this.host;
    u.port = String(this.port);
    return u.toString();
  }

  get isUp(): boolean {
    return this.up_;
  }

  /** Connections open through the proxy right now. */
  get openConnections(): number {
    return this.pairs.size;
  }

  /** Cuts every open connection and refuses (or resets) new ones until `up()`. */
  async down(mode: DownMode = 'refuse'): Promise<void> {
    if (!this.up_) return;
    this.up_ = false;
    this.mode = mode;
    const closed = mode === 'refuse' ? this.stopListening() : Promise.resolve();
    for (const pair of [...this.pairs]) this.cut(pair);
    await closed;
  }

  /** Forwards again (on the same port). */
  async up(): Promise<void> {
    if (this.up_) return;
    if (this.mode === 'refuse') await this.listen(this.port);
    this.up_ = true;
  }

  /** Cuts everything and stops listening. */
  async close(): Promise<void> {
    this.up_ = false;
    for (const pair of [...this.pairs]) this.cut(pair);
    if (this.server.listening) await this.stopListening();
  }

  private accept(client: Socket): void {
    if (!this.up_) {
      this.rejected++;
      client.resetAndDestroy();
      return;
    }
    this.forwarded++;
    client.setNoDelay(true);
    const upstream = connect({ host: this.targetHost, port: this.targetPort });
    upstream.setNoDelay(true);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const end = (): void => this.cut(pair);
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private cut(pair: { client: Socket; upstream: Socket }): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream.destroy();
  }

  private listen(port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, this.host, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  private stopListening(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
