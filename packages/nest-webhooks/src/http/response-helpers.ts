import type { WebhookHttpResponse } from '../interfaces/webhook-http-client.interface';

/** Builds the {@link WebhookHttpResponse} pieces both {@link WebhookHttpClient}s return. */

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
