import { sameSkills } from '../common/skills';

/** The fields of a candidate's profile that `PATCH /api/candidates/{id}` edits. */
export const PROFILE_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'skills'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export interface CandidateProfile {
  firstName: string;
  lastName: string;
  /** Lower-cased. */
  email: string;
  /** null when none is known. */
  phone: string | null;
  /** A set: compared without regard to order. */
  skills: string[];
}

export interface FieldChange<T> {
  old: T;
  new: T;
}

/** The changed fields of a profile, each with its old and new value (`candidate.updated`'s data). */
export type CandidateChanges = { [K in ProfileField]?: FieldChange<CandidateProfile[K]> };

/**
 * What an edit changes: each field it names whose value differs from the current one (skills as a
 * set, so a reordered list changes nothing). Empty when the edit changes nothing.
 */
export function profileChanges(
  current: CandidateProfile,
  edit: Partial<CandidateProfile>,
): CandidateChanges {
  const changes: Partial<Record<ProfileField, FieldChange<unknown>>> = {};
  for (const field of PROFILE_FIELDS) {
    const next = edit[field];
    if (next === undefined || sameValue(current[field], next)) continue;
    changes[field] = { old: current[field], new: next };
  }
  return changes as CandidateChanges;
}

/** The new values of the changed fields. */
export function changedValues(changes: CandidateChanges): Partial<CandidateProfile> {
  const values: Partial<Record<ProfileField, unknown>> = {};
  for (const field of PROFILE_FIELDS) {
    const change = changes[field];
    if (change) values[field] = change.new;
  }
  return values as Partial<CandidateProfile>;
}

function sameValue(a: CandidateProfile[ProfileField], b: CandidateProfile[ProfileField]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return sameSkills(a, b);
  return a === b;
}
