import { LifeCycle } from '../../common/life-cycle';

/** An offer is drafted, sent to the candidate, then accepted (which hires them). */
export const OFFER_STATUSES = ['draft', 'sent', 'accepted'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export const OFFER_LIFE_CYCLE = new LifeCycle<OfferStatus>('offer', {
  draft: ['sent'],
  sent: ['accepted'],
  accepted: [],
});
