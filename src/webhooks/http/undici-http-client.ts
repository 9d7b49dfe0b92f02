import { Agent } from 'undici';
import {
  MAX_RESPONSE_BODY_BYTES,
  type WebhookHttpClient,
  type WebhookHttpRequest,
  type WebhookHttpResponse,
} from '../interfaces/webhook-http-client.interface';
import { systemHostResolver, type HostResolver } from '../security/url-policy';
import {
  AttemptDeadline,
  failedResponse,
  httpErrorReason,
  normalizeResponseHeaders,
  readCappedBody,
} from './http-error';
import {
  DEFAULT_CONNECTIONS_PER_ORIGIN,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  type WebhookHttpPoolOptions,
} from './http-client-options';
import { checkLiteralHost, createPinnedLookup } from './pinned-lookup';

/**
 * The default delivery transport: undici keep-alive pools, one agent for public-only targets and
 * one for private-allowed ones (a socket opened under one policy is never reused under the
 * other), each connecting through a {@link createPinnedLookup} so the checked address is the one
 * connected to. No redirects are followed; the whole attempt (connect, headers, first 4 KiB of the
 * body) ends by `timeoutMs`; never throws.
 */
export class UndiciWebhookHttpClient implements WebhookHttpClient {
  private readonly publicAgent: Agent;
  private readonly privateAgent: Agent;

  constructor(resolver: HostResolver = systemHostResolver, options: WebhookHttpPoolOptions = {}) {
    this.publicAgent = UndiciWebhookHttpClient.createAgent(resolver, false, options);
    this.privateAgent = UndiciWebhookHttpClient.createAgent(resolver, true, options);
  }

  private static createAgent(
    resolver: HostResolver,
    allowPrivateAddresses: boolean,
    options: WebhookHttpPoolOptions,
  ): Agent {
    const keepAliveTimeout = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
    return new Agent({
      connections: options.connections ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
      pipelining: 1,
      keepAliveTimeout,
      // A server's `Keep-Alive: timeout=` hint may shorten the idle time, never lengthen it.
      keepAliveMaxTimeout: keepAliveTimeout,
      connect: { lookup: createPinnedLookup(resolver, allowPrivateAddresses) },
    });
  }

  async send(request: WebhookHttpRequest): Promise<WebhookHttpResponse> {
    const startedAt = performance.now();
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return failedResponse('invalid url', startedAt);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return failedResponse('unsupported url scheme', startedAt);
    }
    const refused = checkLiteralHost(url, request.allowPrivateAddresses);
    if (refused !== null) {
      return failedResponse(refused, startedAt);
    }

    const deadline = new AttemptDeadline(request.timeoutMs);
    const agent = request.allowPrivateAddresses ? this.privateAgent : this.publicAgent;
    try {
      const response = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: deadline.signal,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      const headers = normalizeResponseHeaders(response.headers);
      const read = await readCappedBody(response.body, MAX_RESPONSE_BODY_BYTES, deadline.signal);
      return {
        statusCode: response.statusCode,
        headers,
        body: read.body.toString('utf8'),
        durationMs: performance.now() - startedAt,
        error: read.error === null ? null : httpErrorReason(read.error, deadline.timedOut),
      };
    } catch (error: unknown) {
      return failedResponse(httpErrorReason(error, deadline.timedOut), startedAt);
    } finally {
      deadline.clear();
    }
  }

  /** Aborts what is still in flight, like the axios client (the dispatcher's grace is over). */
  async close(): Promise<void> {
    await Promise.all([this.publicAgent.destroy(), this.privateAgent.destroy()]);
  }
}
