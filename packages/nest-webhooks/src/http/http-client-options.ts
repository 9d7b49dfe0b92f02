/** Connection pool settings shared by both {@link WebhookHttpClient} implementations. */
export interface WebhookHttpPoolOptions {
  /** Sockets per origin (host:port). Default 64. */
  connections?: number;
  /** How long an idle keep-alive socket is kept. Default 4,000 ms (under most servers' 5 s). */
  keepAliveTimeoutMs?: number;
}

export const DEFAULT_CONNECTIONS_PER_ORIGIN = 64;
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4_000;
