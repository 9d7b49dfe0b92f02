/** A subscription's state as the console shows it. */
export type SubscriptionState = 'active' | 'paused' | 'disabled';

export interface StateView {
  state: SubscriptionState;
  /** Why, in words. */
  reason: string;
}

/**
 * Active; paused (turned off by a user, `isActive: false`); or disabled (turned off by the
 * system, which says why in `disabledReason`: a 410 Gone, 5 days of failures).
 */
export function subscriptionState(subscription: {
  isActive: boolean;
  disabledReason: string | null;
}): StateView {
  if (subscription.isActive) return { state: 'active', reason: 'Receiving deliveries' };
  if (subscription.disabledReason) {
    return { state: 'disabled', reason: `Disabled by the system: ${subscription.disabledReason}` };
  }
  return { state: 'paused', reason: 'Paused: new events are not delivered to it' };
}
