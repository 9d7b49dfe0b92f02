import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { type HttpReply, sendDomainError } from 'nest-webhooks/shared';
import { HrError, HrErrorCode } from './hr.errors';

/** Exhaustive: a new code does not compile until it has a status. */
const STATUS: Record<HrErrorCode, HttpStatus> = {
  [HrErrorCode.CandidateNotFound]: HttpStatus.NOT_FOUND,
  [HrErrorCode.ContractNotFound]: HttpStatus.NOT_FOUND,
  [HrErrorCode.EmployeeNotFound]: HttpStatus.NOT_FOUND,
  [HrErrorCode.TrainingNotFound]: HttpStatus.NOT_FOUND,
  [HrErrorCode.JobNotFound]: HttpStatus.NOT_FOUND,
  [HrErrorCode.ApplicationNotFound]: HttpStatus.NOT_FOUND,
  [HrErrorCode.InterviewNotFound]: HttpStatus.NOT_FOUND,
  [HrErrorCode.OfferNotFound]: HttpStatus.NOT_FOUND,
  [HrErrorCode.InvalidField]: HttpStatus.BAD_REQUEST,
  [HrErrorCode.InvalidCursor]: HttpStatus.BAD_REQUEST,
  [HrErrorCode.DuplicateCandidateEmail]: HttpStatus.CONFLICT,
  [HrErrorCode.IllegalStatusTransition]: HttpStatus.CONFLICT,
  [HrErrorCode.CandidateNotHired]: HttpStatus.CONFLICT,
  [HrErrorCode.CandidateAlreadyUnderContract]: HttpStatus.CONFLICT,
  [HrErrorCode.ContractAlreadySigned]: HttpStatus.CONFLICT,
  [HrErrorCode.NoSignedContract]: HttpStatus.CONFLICT,
  [HrErrorCode.EmployeeAlreadyTerminated]: HttpStatus.CONFLICT,
  [HrErrorCode.EmployeeTerminated]: HttpStatus.CONFLICT,
  [HrErrorCode.JobNotPublished]: HttpStatus.CONFLICT,
  [HrErrorCode.DuplicateApplication]: HttpStatus.CONFLICT,
  [HrErrorCode.ApplicationNotOpen]: HttpStatus.CONFLICT,
  [HrErrorCode.ApplicationNotShortlisted]: HttpStatus.CONFLICT,
  [HrErrorCode.OfferAlreadyMade]: HttpStatus.CONFLICT,
};

/** Answers an HrError in Nest's error shape: `{statusCode, message, error, code}` (+ `field`). */
@Catch(HrError)
export class HrExceptionFilter implements ExceptionFilter<HrError> {
  catch(exception: HrError, host: ArgumentsHost): void {
    sendDomainError(
      host.switchToHttp().getResponse<HttpReply>(),
      STATUS[exception.code],
      exception,
    );
  }
}
