import { randomBytes } from 'node:crypto';

// The secrets that must never show up.

const SUBSCRIPTION_KEY = randomBytes(32);
export const SUBSCRIPTION_SECRET = `whsec_${SUBSCRIPTION_KEY.toString('base64')}`;
export const JWT_SECRET = `fuzz-jwt-${randomBytes(24).toString('hex')}`;
export const SECRET_KEY = `fuzz-at-rest-${randomBytes(24).toString('hex')}`;

export const FIXED_SECRETS: readonly (readonly [string, string])[] = [
  ['the subscription secret', SUBSCRIPTION_SECRET],
  ['the subscription secret (base64 part)', SUBSCRIPTION_KEY.toString('base64')],
  ['the subscription key (hex)', SUBSCRIPTION_KEY.toString('hex')],
  ['the subscription key (base64url)', SUBSCRIPTION_KEY.toString('base64url')],
  ['AUTH_JWT_SECRET', JWT_SECRET],
  ['WEBHOOKS_SECRET_KEY', SECRET_KEY],
];
export const SUBSCRIPTION_SECRET_NAMES = new Set(FIXED_SECRETS.slice(0, 4).map(([name]) => name));

export function leaksIn(text: string, secrets: readonly (readonly [string, string])[]): string[] {
  return secrets.filter(([, value]) => value.length > 0 && text.includes(value)).map(([n]) => n);
}

/** The text with every secret and token replaced by its name (for failure messages). */
export function redact(text: string, tokens: Iterable<string> = []): string {
  let out = text;
  for (const [name, value] of FIXED_SECRETS) out = out.split(value).join(`<${name}>`);
  for (const token of tokens) out = out.split(token).join('<bearer token>');
  return out;
}

export function clip(text: string, max = 600): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
