import {
  EVENT_FILTER_PATTERN,
  EVENT_TYPE_PATTERN,
  filtersMatching,
  matchesEventFilter,
} from './event-type-matching';

/** [filter, event type, matches] */
const MATCHES: [string, string, boolean][] = [
  ['*', 'candidate.created', true],
  ['*', 'webhook.endpoint.disabled', false],
  ['*', 'webhook.delivery.failing', false],
  ['candidate.created', 'candidate.created', true],
  ['candidate.created', 'candidate.status_changed', false],
  ['candidate.created', 'candidate.created_again', false],
  ['candidate.created', 'candidate', false],
  ['candidate.*', 'candidate.created', true],
  ['candidate.*', 'candidate.status_changed', true],
  ['candidate.*', 'candidate.created.v2', true],
  ['candidate.*', 'contract.signed', false],
  ['candidate.*', 'candidates.created', false],
  ['candidate.*', 'candidate', false],
  ['candidate.*', 'my_candidate.created', false],
  ['webhook.*', 'webhook.endpoint.disabled', true],
  ['webhook.*', 'webhook.ping', true],
  ['webhook.endpoint.*', 'webhook.endpoint.disabled', true],
  ['webhook.endpoint.*', 'webhook.ping', false],
  ['webhook.endpoint.*', 'webhook.endpoint', false],
  ['employee.terminated', 'employee.terminated', true],
  ['employee.*', 'training.completed', false],
];

describe('matchesEventFilter', () => {
  it.each(MATCHES)('%s on %s: %s', (filter, type, expected) => {
    expect(matchesEventFilter(filter, type)).toBe(expected);
  });
});

describe('filtersMatching', () => {
  it.each<[string, string[]]>([
    ['candidate.created', ['*', 'candidate.created', 'candidate.*']],
    ['webhook.ping', ['webhook.ping', 'webhook.*']],
    ['webhook.endpoint.disabled', ['webhook.endpoint.disabled', 'webhook.*', 'webhook.endpoint.*']],
    ['a.b.c.d', ['*', 'a.b.c.d', 'a.*', 'a.b.*', 'a.b.c.*']],
  ])('%s is matched by %j', (type, filters) => {
    const found = filtersMatching(type);
    expect([...found].sort()).toEqual([...filters].sort());
    expect(new Set(found).size).toBe(found.length);
  });

  it('never lists the type itself as a wildcard or a longer prefix', () => {
    expect(filtersMatching('candidate.created')).not.toContain('candidate.created.*');
  });

  it.each(MATCHES)(
    'agrees with matchesEventFilter (the SQL overlap and the in-memory match): %s on %s',
    (filter, type, expected) => {
      expect(filtersMatching(type).includes(filter)).toBe(expected);
    },
  );

  it('lists only valid filters', () => {
    for (const filter of filtersMatching('webhook.endpoint.disabled')) {
      expect(filter).toMatch(EVENT_FILTER_PATTERN);
    }
  });
});

describe('EVENT_FILTER_PATTERN', () => {
  it.each([
    '*',
    'candidate.*',
    'candidate.created',
    'candidate.status_changed',
    'webhook.endpoint.*',
    'webhook.endpoint.disabled',
    'a.*',
    'a1_b.c_2',
  ])('accepts %j', (filter) => {
    expect(EVENT_FILTER_PATTERN.test(filter)).toBe(true);
  });

  it.each([
    '',
    'candidate',
    'Candidate.created',
    'candidate.Created',
    'candidate.',
    '.created',
    '.*',
    'candidate..created',
    'candidate.*.created',
    '*.created',
    'candidate.cre*',
    'candidate*',
    '**',
    'candidate.**',
    '* ',
    ' candidate.created',
    'candidate.created ',
    'candidate.created\n',
    'candidate-x.created',
    '1candidate.created',
    'candidate.1created',
    '_candidate.created',
    'candidate/created',
    'candidate.créé',
  ])('refuses %j', (filter) => {
    expect(EVENT_FILTER_PATTERN.test(filter)).toBe(false);
  });
});

describe('EVENT_TYPE_PATTERN', () => {
  it.each(['candidate.created', 'webhook.endpoint.disabled', 'training.completed'])(
    'accepts %j',
    (type) => {
      expect(EVENT_TYPE_PATTERN.test(type)).toBe(true);
    },
  );

  it.each(['*', 'candidate.*', 'candidate', 'Candidate.created', 'candidate..created', ''])(
    'refuses %j (a type is never a wildcard or a single segment)',
    (type) => {
      expect(EVENT_TYPE_PATTERN.test(type)).toBe(false);
    },
  );
});
