/** Permission every HR route needs (CONTRACT.md "Authentication"). */
export const HR_MANAGE_PERMISSION = 'hr.manage';

/**
 * Prefix of the in-process `EventEmitter2` events the HR services emit after their commit
 * (`hr.candidate.created`, ...). Their payload is an `HrDomainEvent`, never a
 * `WebhookEventPayload`, so the webhook bridge leaves them alone: no second publish.
 */
export const HR_DOMAIN_EVENT_PREFIX = 'hr.';
