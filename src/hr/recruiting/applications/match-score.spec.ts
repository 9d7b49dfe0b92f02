import { matchSkills } from './match-score';

describe('matchSkills', () => {
  it.each<[string, string[], string[], number, string[]]>([
    ['a job without skills: anyone matches fully', [], ['SQL'], 1, []],
    ['a candidate without skills', ['SQL', 'NestJS'], [], 0, []],
    ['every skill', ['SQL', 'NestJS'], ['nestjs', 'sql', 'Go'], 1, ['SQL', 'NestJS']],
    ['half of them', ['SQL', 'NestJS'], ['SQL'], 0.5, ['SQL']],
    ['one of three, rounded to two decimals', ['SQL', 'NestJS', 'Go'], ['GO'], 0.33, ['Go']],
    ['two of three', ['SQL', 'NestJS', 'Go'], [' go ', 'sql'], 0.67, ['SQL', 'Go']],
    ['none of them', ['SQL'], ['Excel'], 0, []],
  ])('%s', (_label, job, candidate, score, matchedSkills) => {
    expect(matchSkills(job, candidate)).toEqual({ score, matchedSkills });
  });
});
