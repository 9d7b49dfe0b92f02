/** Every way an HR operation can be refused; `HrExceptionFilter` maps each to HTTP. */
export enum HrErrorCode {
  CandidateNotFound = 'CANDIDATE_NOT_FOUND',
  ContractNotFound = 'CONTRACT_NOT_FOUND',
  EmployeeNotFound = 'EMPLOYEE_NOT_FOUND',
  TrainingNotFound = 'TRAINING_NOT_FOUND',
  JobNotFound = 'JOB_NOT_FOUND',
  ApplicationNotFound = 'APPLICATION_NOT_FOUND',
  InterviewNotFound = 'INTERVIEW_NOT_FOUND',
  OfferNotFound = 'OFFER_NOT_FOUND',
  InvalidField = 'INVALID_FIELD',
  InvalidCursor = 'INVALID_CURSOR',
  DuplicateCandidateEmail = 'DUPLICATE_CANDIDATE_EMAIL',
  IllegalStatusTransition = 'ILLEGAL_STATUS_TRANSITION',
  CandidateNotHired = 'CANDIDATE_NOT_HIRED',
  CandidateAlreadyUnderContract = 'CANDIDATE_ALREADY_UNDER_CONTRACT',
  ContractAlreadySigned = 'CONTRACT_ALREADY_SIGNED',
  NoSignedContract = 'NO_SIGNED_CONTRACT',
  EmployeeAlreadyTerminated = 'EMPLOYEE_ALREADY_TERMINATED',
  EmployeeTerminated = 'EMPLOYEE_TERMINATED',
  JobNotPublished = 'JOB_NOT_PUBLISHED',
  DuplicateApplication = 'DUPLICATE_APPLICATION',
  ApplicationNotOpen = 'APPLICATION_NOT_OPEN',
  ApplicationNotShortlisted = 'APPLICATION_NOT_SHORTLISTED',
  OfferAlreadyMade = 'OFFER_ALREADY_MADE',
}

/** The codes of an unknown id (or another company's): `404`. */
export type HrNotFoundCode =
  | HrErrorCode.CandidateNotFound
  | HrErrorCode.ContractNotFound
  | HrErrorCode.EmployeeNotFound
  | HrErrorCode.TrainingNotFound
  | HrErrorCode.JobNotFound
  | HrErrorCode.ApplicationNotFound
  | HrErrorCode.InterviewNotFound
  | HrErrorCode.OfferNotFound;

export class HrError extends Error {
  constructor(
    readonly code: HrErrorCode,
    message: string,
    /** The request field the problem is about, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HrError';
  }

  static invalidField(field: string, message: string): HrError {
    return new HrError(HrErrorCode.InvalidField, message, field);
  }

  static notFound(code: HrNotFoundCode, what: string): HrError {
    return new HrError(code, `No such ${what} in your company`);
  }
}
