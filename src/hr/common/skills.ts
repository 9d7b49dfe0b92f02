import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsNotEmpty,
  IsString,
  MaxLength,
} from 'class-validator';
import { TrimEach } from './trim-each';

export const SKILLS_MAX = 50;
export const SKILL_MAX_LENGTH = 60;

/** How skills are compared: trimmed, case-insensitive. */
export function skillKey(skill: string): string {
  return skill.trim().toLowerCase();
}

/** Whether two skill lists name the same skills (in any order: a list of skills is a set). */
export function sameSkills(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = (list: readonly string[]) => [...list].sort().join('\n');
  return sorted(a) === sorted(b);
}

/**
 * A list of skills in a body: at most 50 strings of 1 to 60 characters, trimmed, each named once
 * (case-insensitive).
 */
export function IsSkillList(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: [String],
      required: false,
      maxItems: SKILLS_MAX,
      example: ['TypeScript', 'PostgreSQL'],
    }),
    TrimEach(),
    IsArray(),
    ArrayMaxSize(SKILLS_MAX),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(SKILL_MAX_LENGTH, { each: true }),
    ArrayUnique((skill: unknown) => (typeof skill === 'string' ? skillKey(skill) : skill), {
      message: '$property must name each skill once (case-insensitive)',
    }),
  );
}
