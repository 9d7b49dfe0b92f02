import { Transform } from 'class-transformer';

/** Trims each string of a list (other values pass through for the validators to refuse). */
export const TrimEach = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? (value as unknown[]).map((item) => (typeof item === 'string' ? item.trim() : item))
      : value,
  );
