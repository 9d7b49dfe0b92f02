import type { LoggerService } from '@nestjs/common';
import fs from 'node:fs';
import { format, inspect } from 'node:util';
import { ECHO } from './settings';

// Everything the process writes: stdout/stderr streams, fd 1/2 (pino's sonic-boom writes there
// directly), the console, and a Nest LoggerService that records every level.

export class OutputCapture {
  private readonly chunks: string[] = [];
  private scanned = 0;
  private readonly restores: (() => void)[] = [];

  record(source: string, text: string): void {
    this.chunks.push(`[${source}] ${text}`);
  }

  /** What was recorded since the last call. */
  takeNew(): string {
    const fresh = this.chunks.slice(this.scanned).join('\n');
    this.scanned = this.chunks.length;
    return fresh;
  }

  all(): string {
    return this.chunks.join('\n');
  }

  start(): void {
    this.wrapStream(process.stdout, 'stdout', ECHO);
    this.wrapStream(process.stderr, 'stderr', true);
    this.wrapFs('writeSync');
    this.wrapFs('write');
    this.wrapConsole();
  }

  stop(): void {
    for (const restore of this.restores.reverse()) restore();
    this.restores.length = 0;
  }

  /**
   * Records what goes to stdout (the app's JSON log lines) without echoing it unless FUZZ_ECHO
   * is set; stderr is recorded and echoed (Jest reports through it).
   */
  private wrapStream(stream: NodeJS.WriteStream, name: string, echo: boolean): void {
    const original = stream.write;
    const record = (text: string) => this.record(name, text);
    const wrapped = function (this: NodeJS.WriteStream, ...args: unknown[]): boolean {
      record(chunkText(args[0]));
      if (echo) return (original as (...a: unknown[]) => boolean).apply(this, args);
      const callback = args.find((a): a is () => void => typeof a === 'function');
      if (callback) process.nextTick(callback);
      return true;
    };
    stream.write = wrapped;
    this.restores.push(() => {
      stream.write = original;
    });
  }

  /** fd 1 and 2 written directly (pino's sonic-boom): recorded, echoed only with FUZZ_ECHO. */
  private wrapFs(method: 'write' | 'writeSync'): void {
    const target = fs as unknown as Record<typeof method, (...args: unknown[]) => unknown>;
    const original = target[method];
    const record = (fd: number, chunk: unknown) => this.record(`fd${fd}`, chunkText(chunk));
    target[method] = function (this: unknown, ...args: unknown[]): unknown {
      const fd = args[0];
      if (fd !== 1 && fd !== 2) return original.apply(this, args);
      record(fd, args[1]);
      if (ECHO) return original.apply(this, args);
      const written =
        typeof args[1] === 'string' ? Buffer.byteLength(args[1]) : chunkBytes(args[1]);
      if (method === 'writeSync') return written;
      const callback = args.find((a): a is (e: null, n: number) => void => typeof a === 'function');
      if (callback) process.nextTick(() => callback(null, written));
      return undefined;
    };
    this.restores.push(() => {
      target[method] = original;
    });
  }

  private wrapConsole(): void {
    const target = console as unknown as Record<string, (...args: unknown[]) => void>;
    for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
      const original = target[level];
      target[level] = (...args: unknown[]) => {
        this.record(`console.${level}`, format(...args));
        original.apply(console, args);
      };
      this.restores.push(() => {
        target[level] = original;
      });
    }
  }
}

function chunkText(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (Buffer.isBuffer(chunk)) return chunk.toString('utf8');
  if (ArrayBuffer.isView(chunk)) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  }
  return describeValue(chunk);
}

function chunkBytes(chunk: unknown): number {
  return ArrayBuffer.isView(chunk) ? chunk.byteLength : 0;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const inspected = inspect(value, {
    depth: 20,
    maxArrayLength: null,
    maxStringLength: null,
    breakLength: Infinity,
  });
  return value instanceof Error ? `${value.stack ?? value.message} ${inspected}` : inspected;
}

type Level = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

/**
 * Records every level, whatever the app's log level, as the app hands it to the logger (before
 * any redaction), then passes it on to the app's own logger (JsonLogger), whose output the
 * stdout / fd capture records as written.
 */
export class CapturingLogger implements LoggerService {
  constructor(
    private readonly capture: OutputCapture,
    private readonly next: LoggerService | null,
  ) {}
  private write(level: Level, message: unknown, params: unknown[]): void {
    this.capture.record(`nest.${level}`, [message, ...params].map(describeValue).join(' '));
    const forward = this.next?.[level];
    if (forward) forward.call(this.next, message, ...params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
