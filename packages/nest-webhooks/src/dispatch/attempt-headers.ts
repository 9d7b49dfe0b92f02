import { storable } from '../shared/storable-text';
import { SIGNATURE_HEADER_NAMES } from '../signing/signature-headers';

/** What a masked header value is logged as. */
export const MASKED = '[redacted]';
/** Response headers kept on an attempt, and the longest value kept (UTF-8 bytes). */
export const MAX_LOGGED_RESPONSE_HEADERS = 50;
export const MAX_LOGGED_HEADER_VALUE_BYTES = 1024;

/** Headers whose values are signatures, named as the module sends them: logged masked. */
const SIGNATURE_HEADERS = [
  SIGNATURE_HEADER_NAMES.signature,
  SIGNATURE_HEADER_NAMES.legacySignature,
];

/**
 * The request headers for the log: every header sent, with the signatures' values and the
 * subscription's own header values (they may be credentials) masked. `sent` holds the
 * subscription's headers under their own names (the delivery spreads them in first); a copy and
 * a few writes keep this cheap on the delivery path.
 */
export function loggedRequestHeaders(
  sent: Record<string, string>,
  subscriptionHeaders: Record<string, string>,
): Record<string, string> {
  const logged = { ...sent };
  for (const name of SIGNATURE_HEADERS) {
    if (name in logged) logged[name] = MASKED;
  }
  for (const name in subscriptionHeaders) {
    if (name in logged) logged[name] = MASKED;
  }
  return logged;
}

/**
 * The response headers for the log: null without an answer, else the first
 * MAX_LOGGED_RESPONSE_HEADERS as received, each value cut to MAX_LOGGED_HEADER_VALUE_BYTES.
 */
export function loggedResponseHeaders(
  statusCode: number | null,
  received: Record<string, string>,
): Record<string, string> | null {
  if (statusCode === null) return null;
  const logged: Record<string, string> = {};
  let count = 0;
  for (const name in received) {
    if (count++ === MAX_LOGGED_RESPONSE_HEADERS) break;
    logged[storable(name)] = storable(cutToBytes(received[name], MAX_LOGGED_HEADER_VALUE_BYTES));
  }
  return logged;
}

/** `text` cut to at most `max` UTF-8 bytes, never inside a character. */
function cutToBytes(text: string, max: number): string {
  // Every UTF-16 unit is at most 3 UTF-8 bytes: short values need no count.
  if (text.length * 3 <= max || Buffer.byteLength(text, 'utf8') <= max) return text;
  let cut = text.slice(0, max);
  while (Buffer.byteLength(cut, 'utf8') > max) cut = cut.slice(0, -1);
  // A pair split by the cut would leave half a character.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
