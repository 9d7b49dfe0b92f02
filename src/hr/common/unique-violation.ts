import { QueryFailedError } from 'typeorm';
import { sqlState } from 'nest-webhooks/shared';

/** Whether the error is PostgreSQL's unique violation (23505) on the named constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { constraint?: string } | undefined;
  return sqlState(error) === '23505' && driverError?.constraint === constraint;
}
