/**
 * Text PostgreSQL takes inside a JSON parameter: no NUL (jsonb refuses \u0000), and no lone
 * surrogate (an error message cut in the middle of a pair), which JSON.stringify writes as an
 * escape jsonb refuses too; either would fail the whole batch of records.
 */
export function storable(text: string): string;
export function storable(text: string | null): string | null;
export function storable(text: string | null): string | null {
  if (text === null) return null;
  const clean = text.includes('\0') ? text.replace(/\0/g, '') : text;
  return hasLoneSurrogate(clean) ? clean.replace(LONE_SURROGATE_ALL, '\uFFFD') : clean;
}

/** With the `u` flag a surrogate pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATE_ALL = /\p{Cs}/gu;

/** Whether `text` holds a lone surrogate (not well-formed Unicode: TypeScript's lib lacks isWellFormed). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
