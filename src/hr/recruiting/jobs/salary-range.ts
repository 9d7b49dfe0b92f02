import { registerDecorator, type ValidationArguments } from 'class-validator';

/** The highest annual gross salary the API takes, in euros. */
export const SALARY_MAX = 10_000_000;

/**
 * A number not below the one in `property` (a range's upper end). Passes when either is not a
 * number: their own validators report that.
 */
export function IsNotLessThan(property: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isNotLessThan',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [property],
      options: { message: `${String(propertyName)} must not be less than ${property}` },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const other = (args.object as Record<string, unknown>)[property];
          return typeof value !== 'number' || typeof other !== 'number' || value >= other;
        },
      },
    });
  };
}
