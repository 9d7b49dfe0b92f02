import { LifeCycle } from '../../common/life-cycle';

/**
 * An application's life cycle: submitted → reviewed → shortlisted → hired (by accepting an
 * offer); rejected or withdrawn from any open state. hired, rejected and withdrawn are final.
 */
export const APPLICATION_STATUSES = [
  'submitted',
  'reviewed',
  'shortlisted',
  'hired',
  'rejected',
  'withdrawn',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** The states `PATCH /api/applications/{id}/status` moves to (hired comes with an accepted offer). */
export const REVIEW_STATUSES = ['reviewed', 'shortlisted', 'rejected', 'withdrawn'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const APPLICATION_LIFE_CYCLE = new LifeCycle<ApplicationStatus>(
  'status',
  {
    submitted: ['reviewed', 'rejected', 'withdrawn'],
    reviewed: ['shortlisted', 'rejected', 'withdrawn'],
    shortlisted: ['hired', 'rejected', 'withdrawn'],
    hired: [],
    rejected: [],
    withdrawn: [],
  },
  'status',
);

/** Still in the running: interviews are scheduled for these only. */
export function isOpen(status: ApplicationStatus): boolean {
  return APPLICATION_LIFE_CYCLE.allowedAfter(status).length > 0;
}
