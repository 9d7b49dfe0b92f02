import { skillKey } from '../../common/skills';

export interface SkillMatch {
  /** The share of the job's skills the candidate lists, 0 to 1, two decimals. */
  score: number;
  /** The job's skills the candidate lists, as the job names them, in the job's order. */
  matchedSkills: string[];
}

/**
 * How well a candidate's skills cover a job's (compared trimmed and case-insensitive). A job that
 * lists no skills is matched fully by anyone: score 1.
 */
export function matchSkills(
  jobSkills: readonly string[],
  candidateSkills: readonly string[],
): SkillMatch {
  if (jobSkills.length === 0) return { score: 1, matchedSkills: [] };
  const listed = new Set(candidateSkills.map(skillKey));
  const matchedSkills = jobSkills.filter((skill) => listed.has(skillKey(skill)));
  return {
    score: Math.round((matchedSkills.length / jobSkills.length) * 100) / 100,
    matchedSkills,
  };
}
