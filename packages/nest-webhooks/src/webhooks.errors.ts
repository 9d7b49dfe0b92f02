/** Every way a webhook operation can be refused; `WebhooksExceptionFilter` maps each to HTTP. */
export enum WebhooksErrorCode {
  SubscriptionNotFound = 'SUBSCRIPTION_NOT_FOUND',
  DeliveryNotFound = 'DELIVERY_NOT_FOUND',
  InvalidField = 'INVALID_FIELD',
  InvalidCursor = 'INVALID_CURSOR',
  DeliveryInProgress = 'DELIVERY_IN_PROGRESS',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  /** The host configured no `portal` option: no portal session can be issued. */
  PortalNotConfigured = 'PORTAL_NOT_CONFIGURED',
  /** A portal session's own token asked for another session (it could renew itself forever). */
  PortalSessionFromPortal = 'PORTAL_SESSION_FROM_PORTAL',
  /** The endpoint did not grant the CloudEvents validation handshake. */
  HandshakeRefused = 'HANDSHAKE_REFUSED',
}

export class WebhooksError extends Error {
  constructor(
    readonly code: WebhooksErrorCode,
    message: string,
    /** The request field the problem is about, when there is one. */
    readonly field?: string,
    /** Every problem, when there are several (the answer lists each); else just `message`. */
    readonly messages?: readonly string[],
  ) {
    super(message);
    this.name = 'WebhooksError';
  }

  static invalidField(field: string, message: string): WebhooksError {
    return new WebhooksError(WebhooksErrorCode.InvalidField, message, field);
  }

  /** Several fields at once: `problems` name each field (the first is `field`). */
  static invalidFields(problems: readonly { field: string; message: string }[]): WebhooksError {
    return new WebhooksError(
      WebhooksErrorCode.InvalidField,
      problems.map((p) => p.message).join('; '),
      problems[0].field,
      problems.map((p) => p.message),
    );
  }
}
