import { registerDecorator, type ValidationOptions } from 'class-validator';

export const CPF_HOURS_MAX = 1000;

/**
 * Hours credited on a CPF (compte personnel de formation): a JSON number from 0 to 1000 with at
 * most 2 decimals. Written by hand because class-validator's `maxDecimalPlaces` throws on numbers
 * printed in exponent form (`1e-7`), which would answer 500 instead of 400.
 */
export function isCpfHours(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= CPF_HOURS_MAX &&
    // The double nearest a 2-decimal number is exactly what toFixed(2) reads back.
    Number(value.toFixed(2)) === value
  );
}

export function IsCpfHours(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCpfHours',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be a number from 0 to ${CPF_HOURS_MAX} with at most 2 decimals`,
        ...options,
      },
      validator: { validate: (value: unknown) => isCpfHours(value) },
    });
  };
}
