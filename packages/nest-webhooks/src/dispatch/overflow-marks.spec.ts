import { OverflowMarks } from './overflow-marks';

const marked = (marks: OverflowMarks) => [...marks.ids()].sort();

describe('OverflowMarks', () => {
  it('a subscription marked is listed until a claim that started after the mark came back short', () => {
    const marks = new OverflowMarks();
    expect(marks.has('a')).toBe(false);
    marks.mark('a');
    marks.mark('b');
    expect(marks.has('a')).toBe(true);
    expect(marked(marks)).toEqual(['a', 'b']);
    const claim = marks.claimStarted();
    marks.claimCameBackShort(claim, []);
    expect(marks.has('a')).toBe(false);
    expect(marked(marks)).toEqual([]);
  });

  it('claims are numbered in the order they start', () => {
    const marks = new OverflowMarks();
    const first = marks.claimStarted();
    const second = marks.claimStarted();
    expect(second).toBeGreaterThan(first);
  });

  it.each<[string, (marks: OverflowMarks) => void, string[]]>([
    [
      'a mark made during a claim survives that claim coming back short',
      (marks) => {
        const claim = marks.claimStarted();
        marks.mark('a');
        marks.claimCameBackShort(claim, []);
      },
      ['a'],
    ],
    [
      'and goes with the next claim coming back short',
      (marks) => {
        const claim = marks.claimStarted();
        marks.mark('a');
        marks.claimCameBackShort(claim, []);
        marks.claimCameBackShort(marks.claimStarted(), []);
      },
      [],
    ],
    [
      'an earlier claim coming back short after a later one started keeps a mark made between them',
      (marks) => {
        const early = marks.claimStarted();
        marks.mark('a');
        marks.claimStarted();
        marks.claimCameBackShort(early, []);
      },
      ['a'],
    ],
    [
      'marking again during a claim moves the mark past that claim',
      (marks) => {
        marks.mark('a');
        const claim = marks.claimStarted();
        marks.mark('a');
        marks.claimCameBackShort(claim, []);
      },
      ['a'],
    ],
    [
      'subscriptions the claim left out keep their marks',
      (marks) => {
        marks.mark('a');
        marks.mark('b');
        marks.mark('c');
        marks.claimCameBackShort(marks.claimStarted(), ['a', 'c']);
      },
      ['a', 'c'],
    ],
    [
      'a claim that did not come back short clears nothing',
      (marks) => {
        marks.mark('a');
        marks.claimStarted();
      },
      ['a'],
    ],
    [
      'a short claim with nothing marked is harmless',
      (marks) => {
        marks.claimCameBackShort(marks.claimStarted(), ['a']);
        marks.mark('b');
      },
      ['b'],
    ],
  ])('%s', (_name, story, expected) => {
    const marks = new OverflowMarks();
    story(marks);
    expect(marked(marks)).toEqual(expected);
    for (const id of ['a', 'b', 'c']) expect(marks.has(id)).toBe(expected.includes(id));
  });
});
