import { LifeCycle } from '../common/life-cycle';

/** The hiring life cycle: new → screening → interview → offer → hired, or rejected on the way. */
export const CANDIDATE_STATUSES = [
  'new',
  'screening',
  'interview',
  'offer',
  'hired',
  'rejected',
] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

/** The moves each state allows (any state but `hired` may go to `rejected`; both are final). */
export const NEXT_STATUSES: Record<CandidateStatus, readonly CandidateStatus[]> = {
  new: ['screening', 'rejected'],
  screening: ['interview', 'rejected'],
  interview: ['offer', 'rejected'],
  offer: ['hired', 'rejected'],
  hired: [],
  rejected: [],
};

/** The candidate life cycle; its refusals are about the request's `status`. */
export const CANDIDATE_LIFE_CYCLE = new LifeCycle<CandidateStatus>(
  'status',
  NEXT_STATUSES,
  'status',
);
