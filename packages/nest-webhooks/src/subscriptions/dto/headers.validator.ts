import { registerDecorator, ValidationOptions } from 'class-validator';

export const MAX_EXTRA_HEADERS = 20;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REFUSED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  'content-type',
]);

/** Why a subscription's extra headers are refused (CONTRACT.md rules), or null. */
export function extraHeadersProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'headers must be an object of header name to string value';
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_EXTRA_HEADERS) {
    return `headers may hold at most ${MAX_EXTRA_HEADERS} entries`;
  }
  for (const [name, headerValue] of entries) {
    if (!TOKEN.test(name)) return `headers name "${name}" is not a valid HTTP header name`;
    const lower = name.toLowerCase();
    if (
      REFUSED.has(lower) ||
      lower.startsWith('proxy-') ||
      lower.startsWith('webhook-') ||
      lower.startsWith('x-webhook-')
    ) {
      return `headers "${name}" may not be set on a subscription`;
    }
    if (typeof headerValue !== 'string') return `headers "${name}" must have a string value`;
    if (headerValue.length > 4096) return `headers "${name}" value is longer than 4096 characters`;
    if (/[\r\n\0]/.test(headerValue)) {
      return `headers "${name}" value may not contain CR, LF or NUL`;
    }
  }
  return null;
}

export function IsExtraHeaders(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isExtraHeaders',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => extraHeadersProblem(value) === null,
        defaultMessage: (args) => extraHeadersProblem(args?.value) ?? 'headers are invalid',
      },
    });
}
