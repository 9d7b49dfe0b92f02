import { MANAGE } from '../constants';
import { isValidAuth } from './auth';
import type { FuzzRequest } from './requests';
import {
  clip,
  FIXED_SECRETS,
  leaksIn,
  redact,
  SUBSCRIPTION_SECRET,
  SUBSCRIPTION_SECRET_NAMES,
} from './secrets';
import { ACME } from './settings';
import type { Answer } from './wire';

/** The secrets the answer and the logs written since the last check hold (none, hopefully). */
export function leaksOf(
  req: FuzzRequest,
  answer: Answer,
  token: string | null,
  logged: string,
): string | null {
  const secrets = [...FIXED_SECRETS, ...(token ? [['the bearer token sent', token] as const] : [])];
  const problems: string[] = [];
  let inAnswer = leaksIn(`${JSON.stringify(answer.headers)}\n${answer.text}`, secrets);
  // The one place the seeded secret belongs: GET .../secret, 200, acme with the permission.
  if (isOwnSecretAnswer(req, answer)) {
    inAnswer = inAnswer.filter((n) => !SUBSCRIPTION_SECRET_NAMES.has(n));
  }
  if (inAnswer.length > 0) problems.push(`secret in the answer (${inAnswer.join(', ')})`);
  const inLogs = leaksIn(logged, secrets);
  if (inLogs.length > 0) {
    const value = secrets.find(([n]) => n === inLogs[0])?.[1] ?? '';
    const at = logged.indexOf(value);
    const excerpt = logged.slice(Math.max(0, at - 300), at + value.length + 300);
    problems.push(
      `secret in the logs (${inLogs.join(', ')}): ${clip(redact(excerpt, tokenList(token)), 800)}`,
    );
  }
  return problems.length > 0 ? problems.join('\n  ') : null;
}

function isOwnSecretAnswer(req: FuzzRequest, answer: Answer): boolean {
  if (answer.status !== 200 || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  if (!isValidAuth(req.auth, ACME, MANAGE)) return false;
  try {
    const body = JSON.parse(answer.text) as unknown;
    return (
      typeof body === 'object' &&
      body !== null &&
      Object.keys(body).length === 1 &&
      (body as { secret?: unknown }).secret === SUBSCRIPTION_SECRET
    );
  } catch {
    return req.method === 'HEAD' && answer.text === '';
  }
}

export function tokenList(token: string | null): string[] {
  return token ? [token] : [];
}
