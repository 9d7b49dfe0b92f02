/** One outgoing delivery request. */
export interface WebhookHttpRequest {
  /** `POST` (deliveries; the default) or `OPTIONS` (the CloudEvents validation handshake). */
  method?: 'POST' | 'OPTIONS';
  url: string;
  /** Every header to send (signature, content type, user agent, the subscription's extras). */
  headers: Record<string, string>;
  body: Buffer;
  /** Whole-request deadline: connect, headers and the (capped) body read. */
  timeoutMs: number;
  /**
   * Refuse to connect to non-public addresses (checked on the address actually resolved at
   * connect time, and the connection pinned to it: DNS rebinding).
   */
  allowPrivateAddresses: boolean;
}

/** What came back; never throws for network problems (they become `error`). */
export interface WebhookHttpResponse {
  /** null when no HTTP answer was received. */
  statusCode: number | null;
  /** Response headers, lower-cased names (empty without an answer). */
  headers: Record<string, string>;
  /** The first 4 KiB of the response body (UTF-8, lossy); the rest is not read. */
  body: string;
  durationMs: number;
  /** null on an HTTP answer; else a short reason: `timeout`, `connection refused`, ... */
  error: string | null;
}

/** The HTTP transport of deliveries; `undici` (default) and `axios` implementations ship. */
export interface WebhookHttpClient {
  send(request: WebhookHttpRequest): Promise<WebhookHttpResponse>;
  /** Ends the transport at shutdown, after the dispatcher's grace: aborts requests still running. */
  close(): Promise<void>;
}

export const MAX_RESPONSE_BODY_BYTES = 4096;
