import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { type HttpReply, sendDomainError } from './shared/error-response';
import { WebhooksError, WebhooksErrorCode } from './webhooks.errors';

const STATUS: Record<WebhooksErrorCode, HttpStatus> = {
  [WebhooksErrorCode.SubscriptionNotFound]: HttpStatus.NOT_FOUND,
  [WebhooksErrorCode.DeliveryNotFound]: HttpStatus.NOT_FOUND,
  [WebhooksErrorCode.InvalidField]: HttpStatus.BAD_REQUEST,
  [WebhooksErrorCode.InvalidCursor]: HttpStatus.BAD_REQUEST,
  [WebhooksErrorCode.DeliveryInProgress]: HttpStatus.CONFLICT,
  [WebhooksErrorCode.IdempotencyKeyReused]: HttpStatus.UNPROCESSABLE_ENTITY,
  [WebhooksErrorCode.HandshakeRefused]: HttpStatus.UNPROCESSABLE_ENTITY,
  [WebhooksErrorCode.PortalNotConfigured]: HttpStatus.NOT_IMPLEMENTED,
  [WebhooksErrorCode.PortalSessionFromPortal]: HttpStatus.FORBIDDEN,
};

/** Answers a WebhooksError in Nest's error shape: `{statusCode, message, error, code}`. */
@Catch(WebhooksError)
export class WebhooksExceptionFilter implements ExceptionFilter<WebhooksError> {
  catch(exception: WebhooksError, host: ArgumentsHost): void {
    sendDomainError(
      host.switchToHttp().getResponse<HttpReply>(),
      STATUS[exception.code],
      exception,
    );
  }
}
