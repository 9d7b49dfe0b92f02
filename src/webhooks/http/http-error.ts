import type { Readable } from 'node:stream';
import {
  MAX_RESPONSE_BODY_BYTES,
  type WebhookHttpResponse,
} from '../interfaces/webhook-http-client.interface';
import { ADDRESS_NOT_PUBLIC_CODE, addressNotPublicReason } from './pinned-lookup';

/** Shared pieces of the undici and axios {@link WebhookHttpClient}s. */

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED', // axios: its own timeout
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
]);
const DNS_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'ENODATA',
  'ESERVFAIL',
  'ENONAME',
]);
const REFUSED_CODES = new Set(['ECONNREFUSED']);
const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET', // undici: "other side closed"
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
const INVALID_HTTP_CODES = new Set(['UND_ERR_HEADERS_OVERFLOW', 'ERR_INVALID_HTTP_RESPONSE']);
const TLS_CODES = new Set([
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'HOSTNAME_MISMATCH',
]);
/** Wrapper codes that say nothing about the cause (axios, undici). */
const GENERIC_CODES = new Set([
  'ERR_NETWORK',
  'ERR_BAD_RESPONSE',
  'ERR_BAD_REQUEST',
  'ERR_CANCELED',
  'UND_ERR',
  'UND_ERR_ABORTED',
]);

const MAX_MESSAGE_LENGTH = 80;
const MAX_ERROR_DEPTH = 8;

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  range?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error, its `cause` chain and AggregateError members, outermost first (bounded). */
function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < MAX_ERROR_DEPTH) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || chain.includes(current)) {
      continue;
    }
    const item = current as ErrorLike;
    chain.push(item);
    if (item.cause !== undefined) {
      queue.push(item.cause);
    }
    if (Array.isArray(item.errors)) {
      queue.push(...(item.errors as unknown[]));
    }
  }
  return chain;
}

function codeOf(error: ErrorLike): string | null {
  return typeof error.code === 'string' && error.code !== '' ? error.code : null;
}

function isTlsCode(code: string): boolean {
  return (
    TLS_CODES.has(code) ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_OSSL_') ||
    code.includes('CERT_')
  );
}

/**
 * node:http reports some handshake failures as EPROTO with the OpenSSL reason only in the message
 * ("...:SSL routines:ssl3_get_record:wrong version number"); undici's sockets carry the same as
 * ERR_SSL_WRONG_VERSION_NUMBER. Derive that code so both clients say the same.
 */
function openSslCode(chain: readonly ErrorLike[]): string | null {
  for (const item of chain) {
    const match =
      typeof item.message === 'string'
        ? /SSL routines:[^:]*:([a-z0-9 _]{1,60})/i.exec(item.message)
        : null;
    if (match !== null) {
      return `ERR_SSL_${match[1].trim().toUpperCase().replace(/\W+/g, '_')}`;
    }
  }
  return null;
}

/** Keeps a message short and free of URLs (which may carry tokens). */
function sanitizeMessage(message: string): string {
  const clean = message
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH - 3)}...` : clean;
}

/**
 * Maps a transport error (undici, node:http, axios; wrapped or not) to the short reason stored
 * on an attempt: `timeout`, `connection refused`, `connection reset`, `dns lookup failed`,
 * `address not public (<range>)`, `tls error: <code>`, `invalid http response`, else
 * `network error: <code or message>`. `timedOut`: the caller's deadline fired (wins).
 */
export function httpErrorReason(error: unknown, timedOut = false): string {
  if (timedOut) {
    return 'timeout';
  }
  const chain = errorChain(error);
  const refused = chain.filter((item) => codeOf(item) === ADDRESS_NOT_PUBLIC_CODE);
  if (refused.length > 0) {
    // Wrappers (AxiosError) copy the code but not the range: take it from the original.
    const range = refused.find((item) => typeof item.range === 'string')?.range;
    return addressNotPublicReason(typeof range === 'string' ? range : 'unknown');
  }
  const codes = chain.map(codeOf).filter((code): code is string => code !== null);
  const has = (set: ReadonlySet<string>) => codes.some((code) => set.has(code));
  if (has(TIMEOUT_CODES) || chain.some((item) => item.name === 'TimeoutError')) {
    return 'timeout';
  }
  if (has(DNS_CODES)) {
    return 'dns lookup failed';
  }
  if (has(REFUSED_CODES)) {
    return 'connection refused';
  }
  const tls = codes.find(isTlsCode);
  if (tls !== undefined) {
    return `tls error: ${tls === 'EPROTO' ? (openSslCode(chain) ?? tls) : tls}`;
  }
  if (
    has(INVALID_HTTP_CODES) ||
    codes.some((code) => code.startsWith('HPE_')) ||
    chain.some((item) => item.name === 'HTTPParserError')
  ) {
    return 'invalid http response';
  }
  if (has(RESET_CODES)) {
    return 'connection reset';
  }
  const specific = codes.find((code) => !GENERIC_CODES.has(code)) ?? codes[0];
  if (specific !== undefined) {
    return `network error: ${specific}`;
  }
  const innermost = chain.at(-1);
  const message =
    innermost !== undefined && typeof innermost.message === 'string' && innermost.message !== ''
      ? sanitizeMessage(innermost.message)
      : 'unknown';
  return `network error: ${message}`;
}

/** The whole-attempt deadline (ms) of a request: `timeoutMs`, or 1 ms unless a positive number. */
export function attemptTimeoutMs(timeoutMs: number): number {
  return Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 1;
}

/** What an attempt's deadline ends it with (`httpErrorReason` says `timeout`). */
export function attemptTimeoutError(ms: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`request timed out after ${ms} ms`);
  error.name = 'TimeoutError';
  error.code = 'ETIMEDOUT';
  return error;
}

/** The first `limit` bytes of a body, gathered chunk by chunk; the rest is not kept. */
export class BodyCap {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number = MAX_RESPONSE_BODY_BYTES) {}

  /** Keeps what of `chunk` fits; true once the cap is reached. */
  add(chunk: Buffer): boolean {
    const take = Math.min(chunk.length, this.limit - this.size);
    if (take > 0) {
      this.chunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      this.size += take;
    }
    return this.size >= this.limit;
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/** The deadline of one attempt: aborts `signal` after `timeoutMs`. Call `clear()` when done. */
export class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private fired = false;

  constructor(timeoutMs: number) {
    const ms = attemptTimeoutMs(timeoutMs);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(attemptTimeoutError(ms));
    }, ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get timedOut(): boolean {
    return this.fired;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** What {@link readCappedBody} got: at most `limit` bytes, and the error that ended it early. */
export interface CappedBody {
  body: Buffer;
  /** Set when the stream failed or the deadline fired before the end or the cap. */
  error: unknown;
}

/**
 * After the cap: a response that has all arrived (node:http's `complete`) is read to its end and
 * dropped, so its keep-alive connection is reused; any other is destroyed with its connection.
 */
function dropRest(stream: Readable): void {
  if ((stream as Readable & { complete?: boolean }).complete === true) {
    stream.resume();
  } else {
    stream.destroy();
  }
}

/**
 * Reads at most `limit` bytes of `stream`, then stops (so a huge or endless body is neither
 * buffered nor waited for): a message that has all arrived is drained, keeping its connection;
 * any other is destroyed. Never rejects: a stream error, a premature close or `signal` aborting
 * ends the read with what arrived so far and `error` set, and destroys the stream.
 */
export function readCappedBody(
  stream: Readable,
  limit: number = MAX_RESPONSE_BODY_BYTES,
  signal?: AbortSignal,
): Promise<CappedBody> {
  return new Promise<CappedBody>((resolve) => {
    const body = new BodyCap(limit);
    let settled = false;

    const finish = (error: unknown, destroy: boolean) => {
      if (settled) {
        return;
      }
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (destroy) {
        // Errors after this point (e.g. the socket reset) are of no interest.
        stream.on('error', () => undefined);
        if (error === null) {
          // Capped: once this read is parsed, a message that arrived whole keeps its connection.
          setImmediate(() => dropRest(stream));
        } else {
          stream.destroy();
        }
      }
      resolve({ body: body.bytes, error });
    };
    const onData = (chunk: Buffer | string) => {
      if (body.add(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
        finish(null, true);
      }
    };
    const onEnd = () => finish(null, false);
    const onError = (error: unknown) => finish(error ?? new Error('stream error'), true);
    const onClose = () => {
      const error: NodeJS.ErrnoException = new Error('response ended prematurely');
      error.code = 'ERR_STREAM_PREMATURE_CLOSE';
      finish(error, true);
    };
    const onAbort = () => finish(signal?.reason ?? new Error('aborted'), true);

    if (signal?.aborted) {
      onAbort();
      return;
    }
    if (limit <= 0) {
      finish(null, true);
      return;
    }
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (stream.readableEnded) {
      finish(null, false);
    } else if (stream.destroyed) {
      onClose();
    }
  });
}

/** Response headers with lower-cased names; repeated headers joined with ", ". */
export function normalizeResponseHeaders(headers: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers === null || typeof headers !== 'object') {
    return result;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    let text: string;
    if (typeof value === 'string') {
      text = value;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      text = String(value);
    } else if (Array.isArray(value)) {
      text = value.map((item) => String(item)).join(', ');
    } else {
      continue;
    }
    const key = name.toLowerCase();
    result[key] = key in result ? `${result[key]}, ${text}` : text;
  }
  return result;
}

/** The answer for an attempt that got no HTTP response. */
export function failedResponse(error: string, startedAt: number): WebhookHttpResponse {
  return {
    statusCode: null,
    headers: {},
    body: '',
    durationMs: performance.now() - startedAt,
    error,
  };
}
