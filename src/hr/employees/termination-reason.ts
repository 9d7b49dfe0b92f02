/** Why an employment ended, as the DSN end-of-contract report names it. */
export const TERMINATION_REASONS = [
  'RESIGNATION',
  'DISMISSAL',
  'RUPTURE_CONVENTIONNELLE',
  'END_OF_FIXED_TERM',
  'RETIREMENT',
  'TRIAL_PERIOD_END',
] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];
