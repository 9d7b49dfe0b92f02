import {
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `YYYY-MM-DD` string naming a real calendar day (no 2025-02-30). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be a real calendar date formatted YYYY-MM-DD`,
        ...options,
      },
      validator: { validate: (value: unknown) => isCalendarDate(value) },
    });
  };
}

/**
 * A calendar date strictly after the one in `property` (`YYYY-MM-DD` strings compare in date
 * order). Passes when the other date is itself invalid: its own validators report it.
 */
export function IsAfterDate(property: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isAfterDate',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [property],
      options: { message: `${String(propertyName)} must be after ${property}`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const other = (args.object as Record<string, unknown>)[property];
          if (!isCalendarDate(value) || !isCalendarDate(other)) return true;
          return value > other;
        },
      },
    });
  };
}
