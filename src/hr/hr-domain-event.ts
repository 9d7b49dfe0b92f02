import type { HrEventData, HrEventType } from './hr-event-types';
import { HR_DOMAIN_EVENT_PREFIX } from './hr.constants';

/**
 * What in-process listeners receive once an HR change has committed, under the name
 * `hr.<type>` (e.g. `@OnEvent('hr.candidate.created')`).
 */
export class HrDomainEvent<T extends HrEventType = HrEventType> {
  constructor(
    readonly type: T,
    /** The tenant the change belongs to. */
    readonly companyId: string,
    /** The same data the webhook event carries. */
    readonly data: HrEventData[T],
    /** Id of the webhook event stored with the change (`webhook-id` on its deliveries). */
    readonly webhookEventId: string,
  ) {}

  /** The `EventEmitter2` event name: `hr.` + the webhook event type. */
  static nameOf(type: HrEventType): string {
    return HR_DOMAIN_EVENT_PREFIX + type;
  }
}
