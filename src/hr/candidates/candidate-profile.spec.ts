import { changedValues, type CandidateProfile, profileChanges } from './candidate-profile';

const LEA: CandidateProfile = {
  firstName: 'Léa',
  lastName: 'Martin',
  email: 'lea.martin@example.com',
  phone: null,
  skills: ['TypeScript', 'SQL'],
};

describe('profileChanges', () => {
  it.each<[string, Partial<CandidateProfile>, ReturnType<typeof profileChanges>]>([
    ['an empty edit', {}, {}],
    ['the same values', { firstName: 'Léa', email: 'lea.martin@example.com', phone: null }, {}],
    ['the same skills in another order', { skills: ['SQL', 'TypeScript'] }, {}],
    ['a new last name', { lastName: 'Durand' }, { lastName: { old: 'Martin', new: 'Durand' } }],
    [
      'a first phone',
      { phone: '+33 6 12 34 56 78' },
      { phone: { old: null, new: '+33 6 12 34 56 78' } },
    ],
    [
      'a skill added',
      { skills: ['TypeScript', 'SQL', 'NestJS'] },
      { skills: { old: ['TypeScript', 'SQL'], new: ['TypeScript', 'SQL', 'NestJS'] } },
    ],
    [
      'a skill renamed in case',
      { skills: ['typescript', 'SQL'] },
      { skills: { old: ['TypeScript', 'SQL'], new: ['typescript', 'SQL'] } },
    ],
    [
      'several fields, one of them unchanged',
      { firstName: 'Léa', email: 'lea@example.org', skills: [] },
      {
        email: { old: 'lea.martin@example.com', new: 'lea@example.org' },
        skills: { old: ['TypeScript', 'SQL'], new: [] },
      },
    ],
  ])('%s', (_label, edit, expected) => {
    expect(profileChanges(LEA, edit)).toEqual(expected);
  });

  it('changedValues answers the new value of each changed field', () => {
    const changes = profileChanges(LEA, { phone: '0612345678', lastName: 'Martin' });
    expect(changedValues(changes)).toEqual({ phone: '0612345678' });
  });
});
