import * as http from 'node:http';
import * as https from 'node:https';
import { Stream, type Readable } from 'node:stream';
import type { HttpService } from '@nestjs/axios';
import type { AxiosInstance, RawAxiosRequestHeaders } from 'axios';
import {
  MAX_RESPONSE_BODY_BYTES,
  type WebhookHttpClient,
  type WebhookHttpRequest,
  type WebhookHttpResponse,
} from '../interfaces/webhook-http-client.interface';
import { systemHostResolver, type HostResolver } from '../security/url-policy';
import { AttemptDeadline } from './attempt-deadline';
import { readCappedBody } from './capped-body';
import {
  DEFAULT_CONNECTIONS_PER_ORIGIN,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  type WebhookHttpPoolOptions,
} from './http-client-options';
import { httpErrorReason } from './http-error-reason';
import { checkLiteralHost, createPinnedLookup } from './pinned-lookup';
import { failedResponse, normalizeResponseHeaders } from './response-helpers';

/**
 * Headers axios adds on its own (`Accept`, `Accept-Encoding: gzip, ...`, `User-Agent: axios/x`);
 * suppressed unless the request sets them, so both clients send the same headers.
 */
const AXIOS_DEFAULT_HEADERS = ['Accept', 'Accept-Encoding', 'User-Agent'];

interface AgentPair {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/**
 * An axios instance as typed by `axios`'s CommonJS typings (what this file sees) or its ESM ones
 * (what `@nestjs/axios`, an ES module, sees): the same runtime object.
 */
type AnyAxiosInstance = AxiosInstance | HttpService['axiosRef'];

function isHttpService(client: HttpService | AnyAxiosInstance): client is HttpService {
  return 'axiosRef' in client;
}

const identity = <T>(data: T): T => data;

function isReadable(data: unknown): data is Readable {
  return data instanceof Stream && typeof (data as Readable).read === 'function';
}

/** A response body an interceptor already replaced with something else than the stream. */
function bufferOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) {
    return data;
  }
  if (typeof data === 'string') {
    return Buffer.from(data);
  }
  return data === undefined || data === null ? Buffer.alloc(0) : Buffer.from(JSON.stringify(data));
}

/**
 * The delivery transport over axios, for hosts that want their axios interceptors (or an
 * `HttpService` from `@nestjs/axios`). Same behaviour as {@link UndiciWebhookHttpClient}:
 * keep-alive `http.Agent`/`https.Agent` pairs (public-only and private-allowed) that connect
 * through a {@link createPinnedLookup}, no redirects, any status accepted, response streamed
 * and only its first 4 KiB read, one deadline for the whole attempt, never throws.
 *
 * The body is sent byte for byte (`transformRequest` is the identity: signatures cover it) and
 * the response is not decompressed. A proxy configured on the axios instance (or by
 * `HTTP_PROXY`) is connected to through the pinned lookup, so the PROXY's address is the one
 * checked; with a proxy, the target-address policy is the proxy's job.
 */
export class AxiosWebhookHttpClient implements WebhookHttpClient {
  private readonly axios: AxiosInstance;
  private readonly publicAgents: AgentPair;
  private readonly privateAgents: AgentPair;

  constructor(
    client: HttpService | AnyAxiosInstance,
    resolver: HostResolver = systemHostResolver,
    options: WebhookHttpPoolOptions = {},
  ) {
    const instance = isHttpService(client) ? client.axiosRef : client;
    this.axios = instance as AxiosInstance;
    this.publicAgents = AxiosWebhookHttpClient.createAgents(resolver, false, options);
    this.privateAgents = AxiosWebhookHttpClient.createAgents(resolver, true, options);
  }

  private static createAgents(
    resolver: HostResolver,
    allowPrivateAddresses: boolean,
    options: WebhookHttpPoolOptions,
  ): AgentPair {
    const agentOptions: http.AgentOptions = {
      keepAlive: true,
      maxSockets: options.connections ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
      // Idle time of a pooled socket (an active request's socket timeout is reset by axios).
      timeout: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
      scheduling: 'lifo',
      lookup: createPinnedLookup(resolver, allowPrivateAddresses),
    };
    return { httpAgent: new http.Agent(agentOptions), httpsAgent: new https.Agent(agentOptions) };
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

    const sent = new Set(Object.keys(request.headers).map((name) => name.toLowerCase()));
    const headers: RawAxiosRequestHeaders = {};
    for (const name of AXIOS_DEFAULT_HEADERS) {
      if (!sent.has(name.toLowerCase())) {
        headers[name] = false;
      }
    }
    Object.assign(headers, request.headers);

    const agents = request.allowPrivateAddresses ? this.privateAgents : this.publicAgents;
    const deadline = new AttemptDeadline(request.timeoutMs);
    try {
      const response = await this.axios.request<
        unknown,
        { status: number; headers: unknown; data: unknown },
        Buffer
      >({
        url: url.href,
        method: request.method ?? 'POST',
        headers,
        data: request.body,
        httpAgent: agents.httpAgent,
        httpsAgent: agents.httpsAgent,
        maxRedirects: 0,
        validateStatus: () => true,
        responseType: 'stream',
        decompress: false,
        transformRequest: [identity],
        transformResponse: [identity],
        maxBodyLength: -1,
        maxContentLength: -1,
        signal: deadline.signal,
      });
      const responseHeaders = normalizeResponseHeaders(response.headers);
      const read = isReadable(response.data)
        ? await readCappedBody(response.data, MAX_RESPONSE_BODY_BYTES, deadline.signal)
        : { body: bufferOf(response.data).subarray(0, MAX_RESPONSE_BODY_BYTES), error: null };
      return {
        statusCode: response.status,
        headers: responseHeaders,
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

  async close(): Promise<void> {
    for (const agents of [this.publicAgents, this.privateAgents]) {
      agents.httpAgent.destroy();
      agents.httpsAgent.destroy();
    }
  }
}
