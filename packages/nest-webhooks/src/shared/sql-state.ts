/** The SQLSTATE of a failed query (TypeORM's QueryFailedError, or the pg error it wraps). */
export function sqlState(error: unknown): string | undefined {
  const failed = error as { driverError?: { code?: unknown }; code?: unknown } | null;
  const code = failed?.driverError?.code ?? failed?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * PostgreSQL refused the statement itself, for its data (class 22), a constraint (23) or its text
 * (42): the same statement would fail again, unlike a lost connection, a deadlock or a timeout.
 */
export function isRefusedStatement(error: unknown): boolean {
  return /^(22|23|42)/.test(sqlState(error) ?? '');
}

/**
 * The server is shutting down and ended the session (57P01 admin_shutdown): an operator's stop,
 * or Ctrl-C, which reaches the embedded server too. Expected, not a fault of ours.
 */
export function isServerShutdown(error: unknown): boolean {
  return sqlState(error) === '57P01';
}
