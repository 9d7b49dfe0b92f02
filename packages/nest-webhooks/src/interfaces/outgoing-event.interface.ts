/** An event as it leaves the system: what serializers turn into a request body. */
export interface OutgoingEvent {
  /** The event id: also the `webhook-id` header. */
  id: string;
  /** Catalog type, e.g. `candidate.created`. */
  type: string;
  /** When the event was accepted (ISO-8601). */
  timestamp: string;
  companyId: string;
  data: unknown;
}
