import sift from 'sift';
import isSafeRegex from 'safe-regex2';

/** A subscription's condition on an event's `data`: MongoDB query syntax (CONTRACT.md, `filter`). */
export type DataFilter = Record<string, unknown>;

/** At most this many bytes of JSON. */
export const MAX_DATA_FILTER_BYTES = 4096;

const COMPARISONS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte']);
const LISTS = new Set(['$in', '$nin']);
const LOGICAL = new Set(['$and', '$or', '$nor']);
/** Flags a `$regex` may carry in `$options` (those JavaScript and MongoDB share). */
const REGEX_FLAGS = /^[ims]*$/;
const FIELD_PATH = /^[^$.][^.]*(\.[^$.][^.]*)*$/;

/** A problem found in a filter: where (a path from `filter`) and what. */
export class DataFilterProblem extends Error {}

/**
 * Why `value` is not a filter the contract accepts, or null: only the contract's operators
 * (`$eq $ne $in $nin $gt $gte $lt $lte $exists $regex $and $or $nor $not`, `$options` beside a
 * `$regex`), a regex that compiles, at most 4 KiB. The message names the place (`filter.a.$in`).
 */
export function dataFilterProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return 'filter must be an object (MongoDB query syntax on data)';
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > MAX_DATA_FILTER_BYTES) {
    return `filter is ${bytes} bytes of JSON, more than the ${MAX_DATA_FILTER_BYTES} allowed`;
  }
  try {
    checkQuery(value, 'filter');
    return null;
  } catch (error) {
    if (error instanceof DataFilterProblem) return error.message;
    throw error;
  }
}

/** A filter already accepted by {@link dataFilterProblem}, as a test of an event's data (sift). */
export function compileDataFilter(filter: DataFilter): (data: unknown) => boolean {
  const test = sift(filter);
  return (data) => test(data);
}

function checkQuery(query: Record<string, unknown>, at: string): void {
  for (const [key, operand] of Object.entries(query)) {
    const here = `${at}.${key}`;
    if (LOGICAL.has(key)) {
      if (!Array.isArray(operand) || operand.length === 0) {
        throw new DataFilterProblem(`${here} must be a non-empty array of conditions`);
      }
      operand.forEach((item: unknown, i) => {
        if (!isPlainObject(item)) throw new DataFilterProblem(`${here}.${i} must be an object`);
        checkQuery(item, `${here}.${i}`);
      });
    } else if (key.startsWith('$')) {
      throw new DataFilterProblem(`${here}: unknown operator ${key} at the top of a condition`);
    } else if (!FIELD_PATH.test(key)) {
      throw new DataFilterProblem(`${here}: "${key}" is not a field path (dotted names)`);
    } else if (isPlainObject(operand) && Object.keys(operand).some((k) => k.startsWith('$'))) {
      checkOperators(operand, here);
    }
    // Anything else is a value the field must equal.
  }
}

function checkOperators(operators: Record<string, unknown>, at: string): void {
  for (const [operator, operand] of Object.entries(operators)) {
    const here = `${at}.${operator}`;
    if (COMPARISONS.has(operator)) continue;
    if (LISTS.has(operator)) {
      if (!Array.isArray(operand)) throw new DataFilterProblem(`${here} must be an array`);
    } else if (operator === '$exists') {
      if (typeof operand !== 'boolean') throw new DataFilterProblem(`${here} must be a boolean`);
    } else if (operator === '$regex') {
      checkRegex(operand, operators.$options, here);
    } else if (operator === '$options') {
      if (!('$regex' in operators)) throw new DataFilterProblem(`${here} needs a $regex beside it`);
    } else if (operator === '$not') {
      if (!isPlainObject(operand) || !Object.keys(operand).every((k) => k.startsWith('$'))) {
        throw new DataFilterProblem(`${here} must be an object of operators`);
      }
      checkOperators(operand, here);
    } else if (operator.startsWith('$')) {
      throw new DataFilterProblem(`${here}: unknown operator ${operator}`);
    } else {
      throw new DataFilterProblem(`${at} mixes operators and field names ("${operator}")`);
    }
  }
}

function checkRegex(pattern: unknown, options: unknown, at: string): void {
  if (typeof pattern !== 'string') throw new DataFilterProblem(`${at} must be a string`);
  if (options !== undefined && (typeof options !== 'string' || !REGEX_FLAGS.test(options))) {
    throw new DataFilterProblem(`${at}: $options may only hold the flags i, m and s`);
  }
  try {
    new RegExp(pattern, typeof options === 'string' ? options : undefined);
  } catch (error) {
    throw new DataFilterProblem(
      `${at} is not a valid regular expression (${(error as Error).message})`,
    );
  }
  // Evaluated on every publish in the publishing instance: a pattern that can backtrack
  // exponentially ("(a+)+$") would let one tenant stall the event loop.
  if (!isSafeRegex(pattern)) {
    throw new DataFilterProblem(
      `${at} may take exponential time (a repeated group holding a repetition, such as (a+)+): rewrite it without nested repetition`,
    );
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
