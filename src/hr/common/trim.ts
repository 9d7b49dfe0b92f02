import { Transform } from 'class-transformer';

/** Trims strings (other values pass through for the validators to refuse). */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Trims and lower-cases strings (emails are compared and stored lower-cased). */
export const TrimLower = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );
