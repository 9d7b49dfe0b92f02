/** How an interview takes place. */
export const INTERVIEW_KINDS = ['phone', 'video', 'on-site'] as const;
export type InterviewKind = (typeof INTERVIEW_KINDS)[number];
