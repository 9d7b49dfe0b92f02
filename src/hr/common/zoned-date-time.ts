import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isCalendarDate } from './calendar-date';

const ZONED_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;

/** An ISO-8601 date-time with its offset (`Z` or `±hh:mm`): an instant, whatever the reader's zone. */
export function isZonedDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ZONED_DATE_TIME.exec(value);
  return match !== null && isCalendarDate(match[1]) && !Number.isNaN(Date.parse(value));
}

/**
 * An ISO-8601 date-time with its time zone offset, later than the moment the request is
 * validated (an interview is scheduled ahead).
 */
export function IsFutureZonedDateTime(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    const name = String(propertyName);
    registerDecorator({
      name: 'isFutureZonedDateTime',
      target: target.constructor,
      propertyName: name,
      options: {
        message: ({ value }) =>
          isZonedDateTime(value)
            ? `${name} must be in the future`
            : `${name} must be an ISO-8601 date-time with its time zone offset (e.g. 2026-05-04T10:00:00+02:00 or 2026-05-04T08:00:00Z)`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => isZonedDateTime(value) && Date.parse(value) > Date.now(),
      },
    });
  };
}
