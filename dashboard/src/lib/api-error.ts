/** An API refusal, in words a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: 'The request was refused',
  401: 'Your token was refused (expired or invalid); sign in again',
  403: 'Your token does not allow this',
  404: 'Not found (or it belongs to another company)',
  409: 'This conflicts with the current state',
  413: 'The request is too large',
  422: 'The request could not be processed',
  429: 'Too many requests; wait a moment and try again',
  503: 'The service is unavailable right now; try again shortly',
};

/**
 * The error shape's `message` (a string or a list of them) joined into one sentence, led by
 * what the status means; a body that is not the error shape falls back to the status alone.
 */
export function describeFailure(status: number, body: unknown): ApiError {
  const lead = STATUS_WORDS[status] ?? (status >= 500 ? 'The server failed' : `HTTP ${status}`);
  let detail = '';
  let code: string | null = null;
  if (typeof body === 'object' && body !== null) {
    const shape = body as { message?: unknown; code?: unknown; errorId?: unknown };
    if (Array.isArray(shape.message)) {
      detail = shape.message.filter((m): m is string => typeof m === 'string').join('; ');
    } else if (typeof shape.message === 'string') {
      detail = shape.message;
    }
    if (typeof shape.code === 'string') code = shape.code;
    if (!detail && typeof shape.errorId === 'string') detail = `error id ${shape.errorId}`;
  }
  const message = detail ? `${lead} (${status}): ${detail}` : `${lead} (${status}).`;
  return new ApiError(status, message, code);
}

/** A failure before any answer (network down, CORS, aborted). */
export function networkFailure(error: unknown): ApiError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ApiError(0, `Could not reach the API: ${reason}`);
}
