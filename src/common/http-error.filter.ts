import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { type HttpReply, isAnswered, sendDomainError } from 'nest-webhooks/shared';

/** The code of an HTTP refusal that carries none of its own. */
const CODES: Partial<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

interface HttpErrorBody {
  message?: unknown;
  code?: unknown;
  field?: unknown;
}

/**
 * Every error the app answers in one shape, `{statusCode, error, message: [...], code}` plus
 * `field` where one applies: the guards' 401 and 403, the ValidationPipe's 400 (see
 * `validationException`), unknown routes, the throttler's 429, the database's 503, and a bare 500
 * for anything unexpected (logged; its details never answered). Domain errors are answered in
 * the same shape by their modules' own filters.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpReply>();
    if (isAnswered(response)) return;
    if (!(exception instanceof HttpException)) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
      sendDomainError(response, HttpStatus.INTERNAL_SERVER_ERROR, {
        code: CODES[500]!,
        message: 'Internal server error',
      });
      return;
    }
    const status = exception.getStatus();
    const body = exception.getResponse();
    const fields: HttpErrorBody = typeof body === 'object' && body !== null ? body : {};
    const raw = typeof body === 'string' ? body : fields.message;
    const messages = (Array.isArray(raw) ? raw : [raw ?? exception.message]).map(String);
    sendDomainError(response, status, {
      code: typeof fields.code === 'string' ? fields.code : (CODES[status] ?? `HTTP_${status}`),
      message: messages.join('; '),
      messages,
      ...(typeof fields.field === 'string' ? { field: fields.field } : {}),
    });
  }
}
