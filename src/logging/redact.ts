/** Signing secrets (`whsec_...`), bearer tokens and JWTs, wherever they appear in a text. */
const SECRET_PATTERNS: RegExp[] = [
  /whsec_[A-Za-z0-9+/=_-]+/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
];

export const REDACTED = '[redacted]';

/** `text` with every signing secret, bearer token and JWT in it replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) result = result.replace(pattern, REDACTED);
  return result;
}

/** Object keys whose values are never logged, wherever they sit in a logged object. */
export const SECRET_KEYS = [
  'secret',
  'secrets',
  'previousSecret',
  'password',
  'authorization',
  'cookie',
  'token',
  'secretKey',
  'jwtSecret',
];
