import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server,
  type Socket,
} from 'node:net';

/**
 * Misbehaving webhook receivers on 127.0.0.1 for the resilience specs, with accounting from the
 * receiver's side: every connection (when it opened and closed, how many bytes the receiver wrote
 * on it) and every request (when it had fully arrived, whether it was answered).
 */

/** One TCP connection a {@link HostileServer} accepted. */
export interface HostileConnection {
  openedAt: number;
  /** When the client hung up (its FIN or reset arrived), or the socket closed, whichever first. */
  endedAt: number | null;
  closedAt: number | null;
  /** Bytes the server wrote on the socket (final once closed). */
  bytesWritten: number;
}

/** One request (head and body) that arrived whole. */
export interface HostileRequest {
  path: string;
  at: number;
  connection: HostileConnection;
  /** The server finished its answer (node:http receivers only; raw ones never "finish"). */
  answered: boolean;
}

/** What a raw (node:net) receiver does once a whole request arrived on `socket`. */
export type RawBehaviour = (socket: Socket, request: HostileRequest) => void;

/** What a node:http receiver does with a request (once its body arrived). */
export type HttpBehaviour = (req: IncomingMessage, res: ServerResponse) => void;

/** Largest request head + body a raw receiver buffers (the app's requests are a few KiB). */
const MAX_RAW_REQUEST_BYTES = 1024 * 1024;

export class HostileServer {
  readonly connections: HostileConnection[] = [];
  readonly received: HostileRequest[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly bySocket = new WeakMap<Socket, HostileConnection>();
  private readonly cleanups = new Set<() => void>();
  private peak = 0;
  port = 0;

  private constructor(private readonly server: Server) {
    // Registered first, so the record exists before any other 'connection' listener runs.
    server.on('connection', (socket: Socket) => {
      const connection: HostileConnection = {
        openedAt: Date.now(),
        endedAt: null,
        closedAt: null,
        bytesWritten: 0,
      };
      this.connections.push(connection);
      this.bySocket.set(socket, connection);
      this.sockets.add(socket);
      this.peak = Math.max(this.peak, this.sockets.size);
      socket.on('error', () => {
        connection.endedAt ??= Date.now();
      });
      socket.once('end', () => {
        connection.endedAt ??= Date.now();
      });
      socket.once('close', () => {
        connection.endedAt ??= Date.now();
        connection.closedAt = Date.now();
        connection.bytesWritten = socket.bytesWritten;
        this.sockets.delete(socket);
      });
    });
  }

  /** A receiver that speaks raw bytes: `behaviour` runs once per connection, after its request. */
  static async raw(behaviour: RawBehaviour): Promise<HostileServer> {
    const server = createNetServer();
    const hostile = new HostileServer(server);
    server.on('connection', (socket: Socket) => {
      const connection = hostile.connectionOf(socket);
      let buffered = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        const path = completeRequestPath(buffered);
        if (path === null && buffered.length < MAX_RAW_REQUEST_BYTES) return;
        socket.off('data', onData);
        // Whatever the client sends from now on is read and dropped.
        socket.on('data', () => undefined);
        const request: HostileRequest = {
          path: path ?? '?',
          at: Date.now(),
          connection,
          answered: false,
        };
        hostile.received.push(request);
        behaviour(socket, request);
      };
      socket.on('data', onData);
    });
    await hostile.listen();
    return hostile;
  }

  /** A receiver built on node:http. */
  static async http(behaviour: HttpBehaviour): Promise<HostileServer> {
    const server = createHttpServer();
    server.keepAliveTimeout = 5000;
    const hostile = new HostileServer(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const connection = hostile.connectionOf(req.socket);
      req.on('data', () => undefined);
      req.once('end', () => {
        const request: HostileRequest = {
          path: req.url ?? '/',
          at: Date.now(),
          connection,
          answered: false,
        };
        hostile.received.push(request);
        res.once('finish', () => {
          request.answered = true;
        });
        behaviour(req, res);
      });
    });
    await hostile.listen();
    return hostile;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests that arrived whole, on any path or on `path`. */
  requests(path: string | null = null): HostileRequest[] {
    return this.received.filter((r) => path === null || r.path === path);
  }

  /** Requests not answered whose connection is still open: the client is waiting on them. */
  waitingRequests(): number {
    return this.received.filter((r) => !r.answered && r.connection.closedAt === null).length;
  }

  /**
   * Most unanswered requests in flight at the same time, each from its arrival to its client
   * hanging up. `toleranceMs`: a request arriving that little before another connection's end is
   * not counted as overlapping it (the receiver may read the next request a moment before it
   * processes the previous connection's FIN, although the client sent them in the other order).
   */
  peakWaitingRequests(toleranceMs = 0): number {
    return peakOverlap(
      this.received
        .filter((r) => !r.answered)
        .map((r) => [
          r.at,
          r.connection.endedAt === null ? null : r.connection.endedAt - toleranceMs,
        ]),
    );
  }

  /** Most connections open at the same time so far (idle pooled ones included). */
  get peakOpenConnections(): number {
    return this.peak;
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Runs `cleanup` on close (timers of dripping connections, ...). */
  onClose(cleanup: () => void): void {
    this.cleanups.add(cleanup);
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connectionOf(socket: Socket): HostileConnection {
    const connection = this.bySocket.get(socket);
    if (!connection) throw new Error('HostileServer: a socket without a connection record');
    return connection;
  }

  private async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
}

/**
 * The most intervals [start, end) open at once; an end at the same time as a start counts first;
 * a null end is still open.
 */
export function peakOverlap(intervals: readonly (readonly [number, number | null])[]): number {
  const events: [number, number][] = [];
  for (const [start, end] of intervals) {
    events.push([start, 1]);
    if (end !== null) events.push([Math.max(start, end), -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of events) {
    current += delta;
    peak = Math.max(peak, current);
  }
  return peak;
}

/** The request path once the head and (Content-Length) body in `bytes` are complete; else null. */
function completeRequestPath(bytes: Buffer): string | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = bytes.subarray(0, end).toString('latin1');
  const length = /^content-length:\s*(\d+)\s*$/im.exec(head);
  const bodyBytes = length ? Number(length[1]) : 0;
  if (bytes.length < end + 4 + bodyBytes) return null;
  return /^[A-Z]+ (\S+) HTTP\/1\.[01]/.exec(head)?.[1] ?? '?';
}

/**
 * Writes `chunk` again and again as the body of `res` until `total` bytes went out, waiting for
 * 'drain' (nothing piles up in memory), and stops for good once the client went away. `chunk` is
 * the only buffer: a 1 GiB answer never exists in memory.
 */
export function streamBody(res: ServerResponse, chunk: Buffer, total: number): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      const size = Math.min(chunk.length, total - sent);
      sent += size;
      if (!res.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
        res.once('drain', pump);
        return;
      }
    }
    if (sent >= total && !res.destroyed) res.end();
  };
  pump();
}

/**
 * Writes `bytes` on `socket` one byte every `everyMs` (the first at once) until they are all out
 * or the socket closed; `server.close()` stops it too.
 */
export function drip(server: HostileServer, socket: Socket, bytes: Buffer, everyMs: number): void {
  let next = 0;
  const tick = () => {
    if (socket.destroyed || next >= bytes.length) {
      stop();
      return;
    }
    socket.write(bytes.subarray(next, next + 1));
    next++;
  };
  const timer = setInterval(tick, everyMs);
  const stop = () => clearInterval(timer);
  socket.once('close', stop);
  server.onClose(stop);
  tick();
}
