import { BadRequestException } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/**
 * Constraints about a value's kind: when one of them fails, the others (a range, a length) do not
 * apply, and only these are reported ("limit must be an integer number", not also "must not be
 * greater than 100" for `limit=abc`).
 */
const KIND_CONSTRAINTS = new Set([
  'isDefined',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isDateString',
  'isISO8601',
  'nestedValidation',
  'whitelistValidation',
]);

/** One thing wrong with a request, named by its field's path. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Each failed constraint's message that applies, with the property's path, in order. */
export function validationProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const constraints = Object.entries(error.constraints ?? {});
    const kind = constraints.filter(([name]) => KIND_CONSTRAINTS.has(name));
    const applying = kind.length > 0 ? kind : constraints;
    const own = applying.map(([, message]) => ({
      field,
      message: parent ? `${parent}.${message}` : message,
    }));
    return [...own, ...validationProblems(error.children ?? [], field)];
  });
}

/**
 * The ValidationPipe's refusal in the API's error shape: every problem in `message`, the first
 * one's property in `field`, code `INVALID_FIELD` (as a domain error about a field).
 */
export function validationException(errors: ValidationError[]): BadRequestException {
  const problems = validationProblems(errors);
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: problems.map((p) => p.message),
    code: 'INVALID_FIELD',
    ...(problems[0] ? { field: problems[0].field } : {}),
  });
}
