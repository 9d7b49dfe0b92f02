import { ApiError, describeFailure, networkFailure } from './lib/api-error';

/** What the API answers, as the console uses it (see Swagger at /docs). */
export interface Subscription {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  isActive: boolean;
  disabledReason: string | null;
  format: string;
  signatureAlgorithm: string;
  headers: Record<string, string>;
  maxRetryCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Attempt {
  id: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  attemptNumber: number;
  status: 'succeeded' | 'failed';
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  requestHeaders?: Record<string, string> | null;
  responseHeaders?: Record<string, string> | null;
  requestBody?: string | null;
  createdAt: string;
}

export interface Delivery {
  id: string;
  eventId: string;
  subscriptionId: string | null;
  eventType: string;
  status: 'pending' | 'sending' | 'succeeded' | 'failed' | 'cancelled';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  attempts: Attempt[];
}

export interface SubscriptionStats {
  subscriptionId: string;
  since: string;
  deliveries: number;
  succeeded: number;
  failed: number;
  pending: number;
  successRate: number | null;
  lastError: { at: string; statusCode: number | null; error: string | null } | null;
}

export interface DeliveryStats {
  since: string;
  until: string;
  bucketSeconds: number;
  buckets: { at: string; succeeded: number; failed: number; retrying: number }[];
}

export interface TestPingResult {
  delivered: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  attemptId: string;
}

export interface EventType {
  type: string;
  description: string;
  schema: Record<string, unknown>;
}

export type SubscriptionInput = {
  url: string;
  events: string[];
  description?: string;
  maxRetryCount?: number;
  isActive?: boolean;
};

/** The API as the signed-in token sees it. A 401 signs the user out (`onUnauthorized`). */
export class Api {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: (error: ApiError) => void,
  ) {}

  listSubscriptions(cursor: string | null, limit = 20): Promise<Page<Subscription>> {
    return this.get(`/api/webhooks${query({ limit, cursor })}`);
  }
  getSubscription(id: string): Promise<Subscription> {
    return this.get(`/api/webhooks/${enc(id)}`);
  }
  createSubscription(body: SubscriptionInput): Promise<Subscription & { secret?: string }> {
    return this.send('POST', '/api/webhooks', body);
  }
  updateSubscription(id: string, body: Partial<SubscriptionInput>): Promise<Subscription> {
    return this.send('PATCH', `/api/webhooks/${enc(id)}`, body);
  }
  /** Resolves `true` once deleted (`204`, no body). */
  async deleteSubscription(id: string): Promise<true> {
    await this.send('DELETE', `/api/webhooks/${enc(id)}`);
    return true;
  }
  testPing(id: string): Promise<TestPingResult> {
    return this.send('POST', `/api/webhooks/${enc(id)}/test`);
  }
  revealSecret(id: string): Promise<{ secret?: string; publicKey?: string }> {
    return this.get(`/api/webhooks/${enc(id)}/secret`);
  }
  rotateSecret(id: string): Promise<{ secret?: string; publicKey?: string }> {
    return this.send('POST', `/api/webhooks/${enc(id)}/secret/rotate`);
  }
  recover(id: string, since: string): Promise<{ requeued: number }> {
    return this.send('POST', `/api/webhooks/${enc(id)}/recover`, { since });
  }
  subscriptionStats(id: string): Promise<SubscriptionStats> {
    return this.get(`/api/webhooks/${enc(id)}/stats`);
  }
  logs(
    id: string,
    filter: { cursor: string | null; status?: string; eventType?: string; limit?: number },
  ): Promise<Page<Attempt>> {
    const { cursor, status, eventType, limit = 20 } = filter;
    return this.get(`/api/webhooks/${enc(id)}/logs${query({ limit, cursor, status, eventType })}`);
  }
  delivery(id: string): Promise<Delivery> {
    return this.get(`/api/deliveries/${enc(id)}`);
  }
  /** Resolves `true` once queued again (`202`, no body). */
  async retryDelivery(id: string): Promise<true> {
    await this.send('POST', `/api/deliveries/${enc(id)}/retry`);
    return true;
  }
  deliveryStats(subscriptionId?: string): Promise<DeliveryStats> {
    return this.get(`/api/deliveries/stats${query({ subscriptionId })}`);
  }
  eventTypes(): Promise<EventType[]> {
    return this.get('/api/event-types');
  }

  private get<T>(path: string): Promise<T> {
    return this.send('GET', path);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      throw networkFailure(error);
    }
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) {
      const failure = describeFailure(response.status, parsed);
      if (response.status === 401) this.onUnauthorized(failure);
      throw failure;
    }
    return parsed as T;
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

/** `?a=1&b=x` of the defined, non-empty values; `''` when there are none. */
export function query(values: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
