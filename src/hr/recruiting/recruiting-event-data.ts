import type { ApplicationStatus } from './applications/application-status';
import type { InterviewKind } from './interviews/interview-kind';
import type { JobCloseReason } from './jobs/job-status';

/** A published job posting: `job.published` and `job_posting.published` carry the same. */
export interface JobPostingData {
  jobId: string;
  title: string;
  description: string;
  location: string;
  contractType: string;
  /** Annual gross salary range in euros; either end may be null (open). */
  salaryMin: number | null;
  salaryMax: number | null;
  skills: string[];
  /** ISO-8601. */
  publishedAt: string;
}

/** The terms of an offer, as `offer.sent` and `offer.accepted` carry them. */
export interface OfferTermsData {
  offerId: string;
  applicationId: string;
  jobId: string;
  candidateId: string;
  /** Annual gross, in euros. */
  salary: number;
  /** YYYY-MM-DD. */
  startDate: string;
  contractType: string;
}

/** The `data` of each recruiting event (the README's "Recruiting"). */
export interface RecruitingEventData {
  'job.published': JobPostingData;
  'job_posting.published': JobPostingData;
  'job.closed': {
    jobId: string;
    reason: JobCloseReason;
    /** ISO-8601. */
    closedAt: string;
    /** The job's applications by state when it closed (every state, 0 included). */
    applications: Record<ApplicationStatus, number>;
  };
  'application.submitted': {
    applicationId: string;
    jobId: string;
    candidateId: string;
    status: 'submitted';
    /** ISO-8601. */
    submittedAt: string;
  };
  'application.reviewed': {
    applicationId: string;
    jobId: string;
    candidateId: string;
    oldStatus: ApplicationStatus;
    newStatus: ApplicationStatus;
  };
  'candidate.matched': {
    candidateId: string;
    jobId: string;
    applicationId: string;
    /** The share of the job's skills the candidate lists, 0 to 1 (1 when the job lists none). */
    score: number;
    /** The job's skills the candidate lists, as the job names them. */
    matchedSkills: string[];
  };
  'interview.scheduled': {
    interviewId: string;
    applicationId: string;
    jobId: string;
    candidateId: string;
    kind: InterviewKind;
    /** ISO-8601, UTC. */
    scheduledAt: string;
    interviewers: string[];
    /** The time it had before a reschedule (ISO-8601, UTC); null when first scheduled. */
    previousScheduledAt: string | null;
  };
  'offer.sent': OfferTermsData & { sentAt: string };
  'offer.accepted': OfferTermsData & { acceptedAt: string };
}
