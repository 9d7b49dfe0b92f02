import { Agent, type Dispatcher } from 'undici';
import {
  MAX_RESPONSE_BODY_BYTES,
  type WebhookHttpClient,
  type WebhookHttpRequest,
  type WebhookHttpResponse,
} from '../interfaces/webhook-http-client.interface';
import { systemHostResolver, type HostResolver } from '../security/url-policy';
import { attemptTimeoutError, attemptTimeoutMs } from './attempt-deadline';
import { BodyCap } from './capped-body';
import {
  DEFAULT_CONNECTIONS_PER_ORIGIN,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  type WebhookHttpPoolOptions,
} from './http-client-options';
import { httpErrorReason } from './http-error-reason';
import { checkLiteralHost, createPinnedLookup } from './pinned-lookup';
import { failedResponse, normalizeResponseHeaders } from './response-helpers';

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

    const agent = request.allowPrivateAddresses ? this.privateAgent : this.publicAgent;
    return new Promise<WebhookHttpResponse>((resolve) => {
      const response = new CappedResponse(request.timeoutMs, startedAt, resolve);
      try {
        agent.dispatch(
          {
            origin: url.origin,
            path: `${url.pathname}${url.search}`,
            method: request.method ?? 'POST',
            headers: request.headers,
            body: request.body,
            headersTimeout: request.timeoutMs,
            bodyTimeout: request.timeoutMs,
          },
          response,
        );
      } catch (error: unknown) {
        // Refused before it was queued (a header value undici will not send, say).
        response.fail(error);
      }
    });
  }

  /** Aborts what is still in flight, like the axios client (the dispatcher's grace is over). */
  async close(): Promise<void> {
    await Promise.all([this.publicAgent.destroy(), this.privateAgent.destroy()]);
  }
}

/**
 * One request's answer, straight from undici's dispatch (no response stream, no AbortSignal: a
 * third of the transport's cost per request): the status, the headers, the first
 * MAX_RESPONSE_BODY_BYTES of the body, after which the connection is dropped rather than read
 * to the end. A timer ends the whole attempt by its deadline, aborting the request wherever it
 * is (connecting, waiting for headers, reading the body). Resolves once, never rejects.
 */
class CappedResponse implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private readonly timer: NodeJS.Timeout;
  private statusCode: number | null = null;
  private headers: Record<string, string> = {};
  private readonly body = new BodyCap(MAX_RESPONSE_BODY_BYTES);
  private settled = false;
  private timedOut = false;

  constructor(
    timeoutMs: number,
    private readonly startedAt: number,
    private readonly resolve: (response: WebhookHttpResponse) => void,
  ) {
    const ms = attemptTimeoutMs(timeoutMs);
    this.timer = setTimeout(() => this.expire(ms), ms);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // The deadline passed while it waited for a connection: it never goes out.
    if (this.settled) controller.abort(new Error('attempt already ended'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx: the answer is still to come
    this.statusCode = statusCode;
    this.headers = normalizeResponseHeaders(headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled || !this.body.add(chunk)) return;
    this.finish(null);
    // The rest is not read: the connection goes rather than drain a huge or endless body. Not
    // from inside undici's parser, though: a body that ended in this same read completes first,
    // and then the abort does nothing and the connection is kept.
    setImmediate(() => controller.abort(new Error('response body capped')));
  }

  onResponseEnd(): void {
    this.finish(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish(error);
  }

  /** Dispatch threw: nothing was sent. */
  fail(error: unknown): void {
    this.finish(error);
  }

  private expire(ms: number): void {
    this.timedOut = true;
    const error = attemptTimeoutError(ms);
    this.finish(error);
    this.controller?.abort(error);
  }

  /** `error`: what ended the attempt early (a body cut short keeps what arrived). */
  private finish(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const durationMs = performance.now() - this.startedAt;
    const reason = error === null ? null : httpErrorReason(error, this.timedOut);
    if (this.statusCode === null) {
      this.resolve({ statusCode: null, headers: {}, body: '', durationMs, error: reason });
      return;
    }
    this.resolve({
      statusCode: this.statusCode,
      headers: this.headers,
      body: this.body.bytes.toString('utf8'),
      durationMs,
      error: reason,
    });
  }
}
