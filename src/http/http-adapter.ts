import type { Socket } from 'node:net';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/**
 * The service's HTTP server: Nest on Fastify (measured cheaper per request than on Express; see
 * docs/ARCHITECTURE.md). Routes match as they did on Express, whatever the case and with or
 * without a trailing slash; `X-Forwarded-*` is trusted from a proxy on this machine only. The
 * module itself works on either adapter (a host app on Express embeds it unchanged).
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 500 },
    trustProxy: 'loopback',
    // Requests are logged by `logRequests` (one JSON line each), not by Fastify's logger.
    logger: false,
    clientErrorHandler: answerClientError,
  });
}

const CLIENT_ERRORS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
};

/**
 * Bytes on a connection that are not a valid HTTP request (or headers over Node's limit): answered
 * as Node itself answers them (`socketOnError` in node:_http_server), then the connection closed.
 * Fastify's own handler differs in two ways that break clients: it writes its answer even after
 * an answer to the request already began, and with a body, which a client that sent HEAD reads
 * as garbage.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: { _headerSent?: boolean } | null })
    ._httpMessage;
  if (socket.writable && !inFlight?._headerSent) {
    const status = CLIENT_ERRORS[error.code ?? ''] ?? '400 Bad Request';
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy();
}
