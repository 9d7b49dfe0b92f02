import { CANDIDATE_LIFE_CYCLE, type CandidateStatus } from '../candidates/candidate-status';
import { HrError, HrErrorCode } from '../hr.errors';

describe('LifeCycle', () => {
  it.each<[CandidateStatus, CandidateStatus, CandidateStatus[] | null]>([
    ['offer', 'hired', ['hired']],
    ['new', 'hired', ['screening', 'interview', 'offer', 'hired']],
    ['screening', 'offer', ['interview', 'offer']],
    ['new', 'rejected', ['rejected']],
    ['hired', 'hired', null],
    ['rejected', 'hired', null],
    ['offer', 'new', null],
    ['new', 'new', null],
  ])('path %s → %s', (from, to, path) => {
    expect(CANDIDATE_LIFE_CYCLE.path(from, to)).toEqual(path);
  });

  it('a refused move is a 409 naming the allowed next states, about the field that asked', () => {
    const refused = (): void => CANDIDATE_LIFE_CYCLE.assertMove('new', 'offer');
    expect(refused).toThrow(HrError);
    expect(refused).toThrow(
      'status cannot go from new to offer; allowed next states: screening, rejected',
    );
    const final = CANDIDATE_LIFE_CYCLE.illegalMove('hired', 'hired', {
      subject: "the candidate's status",
    });
    expect(final).toMatchObject({
      code: HrErrorCode.IllegalStatusTransition,
      message:
        "the candidate's status cannot go from hired to hired; allowed next states: none (hired is final)",
      field: undefined,
    });
  });
});
