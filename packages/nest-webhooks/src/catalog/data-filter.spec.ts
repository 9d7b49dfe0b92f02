import { compileDataFilter, type DataFilter, dataFilterProblem } from './data-filter';

const data = {
  contractType: 'CDI',
  cpfHours: 14,
  startDate: '2026-12-01',
  employee: { site: 'Lyon', grade: 3 },
  tags: ['night', 'remote'],
  note: null,
};

describe('data filters (sift, MongoDB query syntax)', () => {
  // [operator, a filter that matches `data`, one that does not]
  const operators: [string, DataFilter, DataFilter][] = [
    ['plain equality', { contractType: 'CDI' }, { contractType: 'CDD' }],
    ['$eq', { cpfHours: { $eq: 14 } }, { cpfHours: { $eq: 15 } }],
    ['$ne', { contractType: { $ne: 'CDD' } }, { contractType: { $ne: 'CDI' } }],
    ['$in', { contractType: { $in: ['CDI', 'CDD'] } }, { contractType: { $in: ['STAGE'] } }],
    ['$nin', { contractType: { $nin: ['STAGE'] } }, { contractType: { $nin: ['CDI', 'CDD'] } }],
    ['$gt', { cpfHours: { $gt: 0 } }, { cpfHours: { $gt: 14 } }],
    ['$gte', { cpfHours: { $gte: 14 } }, { cpfHours: { $gte: 15 } }],
    ['$lt', { cpfHours: { $lt: 15 } }, { cpfHours: { $lt: 14 } }],
    ['$lte', { cpfHours: { $lte: 14 } }, { cpfHours: { $lte: 13 } }],
    [
      '$gt on strings (dates)',
      { startDate: { $gt: '2026-11-30' } },
      { startDate: { $gt: '2027-01-01' } },
    ],
    ['$exists true', { contractType: { $exists: true } }, { endDate: { $exists: true } }],
    ['$exists false', { endDate: { $exists: false } }, { cpfHours: { $exists: false } }],
    ['$regex', { contractType: { $regex: '^C' } }, { contractType: { $regex: '^S' } }],
    [
      '$regex with $options',
      { contractType: { $regex: '^cd', $options: 'i' } },
      { contractType: { $regex: '^cd' } },
    ],
    [
      '$and',
      { $and: [{ contractType: 'CDI' }, { cpfHours: { $gt: 10 } }] },
      { $and: [{ contractType: 'CDI' }, { cpfHours: { $gt: 20 } }] },
    ],
    [
      '$or',
      { $or: [{ contractType: 'CDD' }, { cpfHours: 14 }] },
      { $or: [{ contractType: 'CDD' }, { cpfHours: 1 }] },
    ],
    [
      '$nor',
      { $nor: [{ contractType: 'CDD' }, { cpfHours: 1 }] },
      { $nor: [{ contractType: 'CDI' }] },
    ],
    ['$not', { cpfHours: { $not: { $gt: 20 } } }, { cpfHours: { $not: { $gt: 10 } } }],
    ['dotted path', { 'employee.site': 'Lyon' }, { 'employee.site': 'Paris' }],
    [
      'dotted path with an operator',
      { 'employee.grade': { $gte: 3 } },
      { 'employee.grade': { $gte: 4 } },
    ],
    ['array field holds the value', { tags: 'remote' }, { tags: 'office' }],
    [
      'several fields: all must hold',
      { contractType: 'CDI', cpfHours: { $gt: 0 } },
      { contractType: 'CDI', cpfHours: { $gt: 20 } },
    ],
  ];

  it.each(operators)(
    '%s: accepted, matches and refuses as MongoDB does',
    (_name, matching, other) => {
      expect(dataFilterProblem(matching)).toBeNull();
      expect(dataFilterProblem(other)).toBeNull();
      expect(compileDataFilter(matching)(data)).toBe(true);
      expect(compileDataFilter(other)(data)).toBe(false);
    },
  );

  const problems: [string, unknown, RegExp][] = [
    ['not an object', ['a'], /^filter must be an object/],
    ['null', null, /^filter must be an object/],
    ['a string', 'contractType', /^filter must be an object/],
    [
      'an unknown operator',
      { cpfHours: { $foo: 1 } },
      /filter\.cpfHours\.\$foo: unknown operator \$foo/,
    ],
    [
      'an operator outside the contract ($where)',
      { $where: 'true' },
      /filter\.\$where: unknown operator \$where/,
    ],
    [
      'an operator outside the contract ($elemMatch)',
      { tags: { $elemMatch: { $eq: 'x' } } },
      /unknown operator \$elemMatch/,
    ],
    ['an operator outside the contract ($size)', { tags: { $size: 2 } }, /unknown operator \$size/],
    [
      'a malformed regex',
      { contractType: { $regex: '(' } },
      /filter\.contractType\.\$regex is not a valid regular expression/,
    ],
    [
      'a regex that can backtrack exponentially',
      { contractType: { $regex: '^(a+)+$' } },
      /filter\.contractType\.\$regex may take exponential time/,
    ],
    [
      'the same under $not',
      { contractType: { $not: { $regex: '([a-z]*)*x' } } },
      /filter\.contractType\.\$not\.\$regex may take exponential time/,
    ],
    [
      'a regex that is not a string',
      { contractType: { $regex: 3 } },
      /filter\.contractType\.\$regex must be a string/,
    ],
    [
      'bad regex flags',
      { contractType: { $regex: 'a', $options: 'g' } },
      /\$options may only hold the flags i, m and s/,
    ],
    ['$options without $regex', { contractType: { $options: 'i' } }, /\$options needs a \$regex/],
    [
      '$in not an array',
      { contractType: { $in: 'CDI' } },
      /filter\.contractType\.\$in must be an array/,
    ],
    ['$exists not a boolean', { contractType: { $exists: 1 } }, /\$exists must be a boolean/],
    ['$and empty', { $and: [] }, /filter\.\$and must be a non-empty array/],
    ['$or not an array', { $or: { a: 1 } }, /filter\.\$or must be a non-empty array/],
    ['$nor item not an object', { $nor: [1] }, /filter\.\$nor\.0 must be an object/],
    [
      'an unknown operator deep inside',
      { $or: [{ a: { $not: { $bad: 1 } } }] },
      /filter\.\$or\.0\.a\.\$not\.\$bad: unknown operator/,
    ],
    [
      '$not not an operator object',
      { a: { $not: 'x' } },
      /filter\.a\.\$not must be an object of operators/,
    ],
    [
      'operators mixed with fields',
      { a: { $gt: 1, b: 2 } },
      /filter\.a mixes operators and field names/,
    ],
    ['an empty path segment', { 'a..b': 1 }, /"a\.\.b" is not a field path/],
    [
      'over 4 KiB',
      { a: { $in: Array.from({ length: 600 }, (_, i) => `value-${i}`) } },
      /filter is \d+ bytes of JSON, more than the 4096 allowed/,
    ],
  ];

  it.each(problems)('refuses %s, naming the problem', (_name, filter, message) => {
    expect(dataFilterProblem(filter)).toMatch(message);
  });

  it('accepts exactly 4096 bytes', () => {
    const base = JSON.stringify({ a: '' }).length;
    const filter = { a: 'x'.repeat(4096 - base) };
    expect(Buffer.byteLength(JSON.stringify(filter))).toBe(4096);
    expect(dataFilterProblem(filter)).toBeNull();
    expect(dataFilterProblem({ a: 'x'.repeat(4097 - base) })).toMatch(/4097 bytes/);
  });

  it('an empty filter matches every event', () => {
    expect(dataFilterProblem({})).toBeNull();
    expect(compileDataFilter({})(data)).toBe(true);
  });
});
