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

export function canMove(from: CandidateStatus, to: CandidateStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}
