import { LifeCycle } from '../../common/life-cycle';

/** A job is written as a draft, published (it then takes applications), then closed for good. */
export const JOB_STATUSES = ['draft', 'published', 'closed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const JOB_LIFE_CYCLE = new LifeCycle<JobStatus>('job', {
  draft: ['published'],
  published: ['closed'],
  closed: [],
});

/** Why a job closed: someone was hired, or the position is no longer open. */
export const JOB_CLOSE_REASONS = ['filled', 'cancelled'] as const;
export type JobCloseReason = (typeof JOB_CLOSE_REASONS)[number];
