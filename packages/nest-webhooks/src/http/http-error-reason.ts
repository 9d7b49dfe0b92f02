import { ADDRESS_NOT_PUBLIC_CODE, addressNotPublicReason } from './pinned-lookup';

/**
 * Classifies a transport error from either {@link WebhookHttpClient} into the short reason stored
 * on an attempt, so the undici and axios clients report the same failure the same way.
 */

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
