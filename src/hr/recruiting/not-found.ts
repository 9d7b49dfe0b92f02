import { HrError, HrErrorCode, type HrNotFoundCode } from '../hr.errors';

// The 404s of the recruiting tables: an unknown id, an id that is not a UUID, and another
// company's id all answer the same.

function notFound(code: HrNotFoundCode, what: string): () => HrError {
  return () => HrError.notFound(code, what);
}

export const jobNotFound = notFound(HrErrorCode.JobNotFound, 'job');
export const applicationNotFound = notFound(HrErrorCode.ApplicationNotFound, 'application');
export const interviewNotFound = notFound(HrErrorCode.InterviewNotFound, 'interview');
export const offerNotFound = notFound(HrErrorCode.OfferNotFound, 'offer');
