import type { EventTypeDefinition, JsonSchema } from 'nest-webhooks';
import { contractType, date, dateTime, exactObject, id, skills } from '../hr-event-schema-parts';
import { APPLICATION_STATUSES } from './applications/application-status';
import { INTERVIEW_KINDS } from './interviews/interview-kind';
import { JOB_CLOSE_REASONS } from './jobs/job-status';

const applicationStatus = { type: 'string', enum: [...APPLICATION_STATUSES] };
const salaryEnd = { type: ['integer', 'null'], minimum: 0 };
const count = { type: 'integer', minimum: 0 };

const jobPosting = exactObject({
  jobId: id,
  title: { type: 'string', minLength: 1 },
  description: { type: 'string', minLength: 1 },
  location: { type: 'string', minLength: 1 },
  contractType,
  salaryMin: salaryEnd,
  salaryMax: salaryEnd,
  skills,
  publishedAt: dateTime,
});

/** The ids every application event names. */
const applicationIds = { applicationId: id, jobId: id, candidateId: id };

function offerTerms(moment: 'sentAt' | 'acceptedAt'): JsonSchema {
  return exactObject({
    offerId: id,
    ...applicationIds,
    salary: { type: 'integer', minimum: 1 },
    startDate: date,
    contractType,
    [moment]: dateTime,
  });
}

/** The events of the recruiting context, with the JSON Schema of their data. */
export const RECRUITING_EVENT_TYPES: EventTypeDefinition[] = [
  {
    type: 'job.published',
    description:
      'A job posting was published: it now takes applications (for an ATS, a job board).',
    schema: jobPosting,
  },
  {
    type: 'job_posting.published',
    description:
      'The same moment and data as job.published, under the name the HR design gives its table (for receivers written to that name).',
    schema: jobPosting,
  },
  {
    type: 'job.closed',
    description:
      'A published job was closed (filled or cancelled), with its applications counted by state.',
    schema: exactObject({
      jobId: id,
      reason: { type: 'string', enum: [...JOB_CLOSE_REASONS] },
      closedAt: dateTime,
      applications: exactObject(
        Object.fromEntries(APPLICATION_STATUSES.map((status) => [status, count])),
      ),
    }),
  },
  {
    type: 'application.submitted',
    description: 'A candidate applied to a published job.',
    schema: exactObject({
      ...applicationIds,
      status: { const: 'submitted' },
      submittedAt: dateTime,
    }),
  },
  {
    type: 'application.reviewed',
    description:
      'An application moved along its life cycle (submitted → reviewed → shortlisted → hired; rejected or withdrawn on the way).',
    schema: exactObject({
      ...applicationIds,
      oldStatus: applicationStatus,
      newStatus: applicationStatus,
    }),
  },
  {
    type: 'candidate.matched',
    description:
      "A candidate was matched to a job (their application was shortlisted), with the share of the job's skills they list.",
    schema: exactObject({
      candidateId: id,
      jobId: id,
      applicationId: id,
      score: { type: 'number', minimum: 0, maximum: 1 },
      matchedSkills: skills,
    }),
  },
  {
    type: 'interview.scheduled',
    description:
      'An interview was scheduled, or rescheduled (then previousScheduledAt is the time it had).',
    schema: exactObject({
      interviewId: id,
      ...applicationIds,
      kind: { type: 'string', enum: [...INTERVIEW_KINDS] },
      scheduledAt: dateTime,
      interviewers: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      previousScheduledAt: { type: ['string', 'null'], format: 'date-time' },
    }),
  },
  {
    type: 'offer.sent',
    description: 'An offer (salary, start date, contract type) was sent to the candidate.',
    schema: offerTerms('sentAt'),
  },
  {
    type: 'offer.accepted',
    description:
      'The candidate accepted an offer: the application is hired and the candidate moves to hired (candidate.status_changed follows in the same transaction).',
    schema: offerTerms('acceptedAt'),
  },
];
