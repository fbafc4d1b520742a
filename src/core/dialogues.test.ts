import { describe, expect, it } from 'vitest';
import {
  crossedProposal,
  foldCommitment,
  measureMet,
  nextRecordState,
  RECORD_EVENTS,
  RECORD_MOVERS,
  recordProblems,
  type AttestationFact,
  type RecordEvent,
  type RecordMover,
} from './dialogues.js';
import { ATTESTATION_STATUSES, RECORD_STATUSES, type RecordStatus } from './schemas/dialogues.js';

/**
 * Every record state × event × mover: the state after, or the refusal's code. `open` stands
 * for `record_open`, `not_open` for `record_not_open`, `agreed!` for `record_agreed`,
 * `turn` for `not_your_move`.
 */
const TABLE: Record<RecordStatus, Record<RecordEvent, Record<RecordMover, string>>> = {
  draft: {
    propose: { author: 'proposed', answerer: 'proposed' },
    amend: { author: 'not_open', answerer: 'not_open' },
    accept: { author: 'not_open', answerer: 'not_open' },
    decline: { author: 'not_open', answerer: 'not_open' },
  },
  proposed: {
    propose: { author: 'open', answerer: 'open' },
    amend: { author: 'turn', answerer: 'proposed' },
    accept: { author: 'turn', answerer: 'agreed' },
    decline: { author: 'turn', answerer: 'declined' },
  },
  agreed: {
    propose: { author: 'agreed!', answerer: 'agreed!' },
    amend: { author: 'agreed!', answerer: 'agreed!' },
    accept: { author: 'agreed!', answerer: 'agreed!' },
    decline: { author: 'agreed!', answerer: 'agreed!' },
  },
  declined: {
    propose: { author: 'proposed', answerer: 'proposed' },
    amend: { author: 'not_open', answerer: 'not_open' },
    accept: { author: 'not_open', answerer: 'not_open' },
    decline: { author: 'not_open', answerer: 'not_open' },
  },
};
const SHORT: Record<string, string> = {
  record_open: 'open',
  record_not_open: 'not_open',
  record_agreed: 'agreed!',
  not_your_move: 'turn',
};

describe('nextRecordState', () => {
  for (const state of RECORD_STATUSES) {
    for (const event of RECORD_EVENTS) {
      for (const by of RECORD_MOVERS) {
        it(`${state} × ${event} by the ${by}`, () => {
          const move = nextRecordState(state, event, by);
          const got = move.ok ? move.status : (SHORT[move.code] ?? move.code);
          expect(got).toBe(TABLE[state][event][by]);
        });
      }
    }
  }
});

const sides = { ours: 'us-doj', theirs: 'cn-mps' };
const fact = (side: string, status: AttestationFact['status'], at = 1): AttestationFact => ({
  side,
  status,
  at,
});
const DUE = '2016-06-30';
const BEFORE = Date.parse('2016-06-30T23:59:59Z');
const AFTER = Date.parse('2016-07-01T00:00:00Z');

describe('foldCommitment: every pair of statements (none = not stated)', () => {
  const options = [null, ...ATTESTATION_STATUSES] as const;
  for (const ours of options) {
    for (const theirs of options) {
      it(`ours ${ours ?? 'none'} × theirs ${theirs ?? 'none'}`, () => {
        const facts = [
          ...(ours ? [fact('us-doj', ours)] : []),
          ...(theirs ? [fact('cn-mps', theirs)] : []),
        ];
        const a = ours ?? 'not_started';
        const b = theirs ?? 'not_started';
        const expected = a === b ? a : 'diverging';
        const before = foldCommitment(facts, sides, DUE, BEFORE);
        const after = foldCommitment(facts, sides, DUE, AFTER);
        expect(before.state).toBe(expected);
        expect(after.state).toBe(expected);
        expect(before.overdue).toBe(false);
        expect(after.overdue).toBe(expected !== 'done');
        expect(before.ours?.status ?? null).toBe(ours);
        expect(before.theirs?.status ?? null).toBe(theirs);
      });
    }
  }

  it('the latest statement of each side counts, in any order of arrival', () => {
    const facts = [
      fact('cn-mps', 'done', 30),
      fact('us-doj', 'done', 20),
      fact('us-doj', 'in_progress', 10),
      fact('cn-mps', 'blocked', 5),
    ];
    expect(foldCommitment(facts, sides, DUE, BEFORE).state).toBe('done');
    expect(foldCommitment([...facts].reverse(), sides, DUE, BEFORE).state).toBe('done');
    expect(foldCommitment(facts.slice(2), sides, DUE, BEFORE).state).toBe('diverging');
  });

  it('a third node cannot state anything', () => {
    const fold = foldCommitment([fact('xx-other', 'done'), fact('us-doj', 'done')], sides, DUE, 0);
    expect(fold.state).toBe('diverging');
  });
});

describe('crossedProposal: two first proposals that cross converge on one', () => {
  it.each([
    ['us-doj', 'cn-mps', 'give_way'],
    ['cn-mps', 'us-doj', 'stand'],
  ] as const)('this node %s, peer %s: %s', (self, peer, expected) => {
    expect(crossedProposal(self, peer)).toBe(expected);
    // Exactly one of the two gives way.
    expect(crossedProposal(peer, self)).not.toBe(expected);
  });
});

describe('measureMet', () => {
  const cases: [number | null, 'gte' | 'gt' | 'lte' | 'lt', number, boolean | null][] = [
    [90, 'gte', 90, true],
    [89.9, 'gte', 90, false],
    [90, 'gt', 90, false],
    [91, 'gt', 90, true],
    [2, 'lte', 2, true],
    [3, 'lte', 2, false],
    [2, 'lt', 2, false],
    [1, 'lt', 2, true],
    [null, 'gte', 0, null],
    [Number.NaN, 'gte', 0, null],
  ];
  for (const [value, comparator, threshold, met] of cases) {
    it(`${value} ${comparator} ${threshold} → ${met}`, () => {
      expect(measureMet(value, comparator, threshold)).toBe(met);
    });
  }
});

describe('recordProblems', () => {
  const parties = ['cn-mps', 'us-doj'];
  it('passes a sound record', () => {
    expect(
      recordProblems(
        {
          outcomes: [{ paragraph: 1 }, { paragraph: 2 }],
          commitments: [{ id: 'a', paragraph: 2, ownerSides: ['us-doj', 'cn-mps'] }],
        },
        parties,
      ),
    ).toEqual([]);
  });
  it('names each field that is wrong', () => {
    const problems = recordProblems(
      {
        outcomes: [{ paragraph: 1 }, { paragraph: 1 }],
        commitments: [
          { id: 'a', paragraph: 3, ownerSides: ['xx-other'] },
          { id: 'a', paragraph: 1, ownerSides: ['us-doj', 'us-doj'] },
        ],
      },
      parties,
    );
    expect(problems.map((p) => p.field)).toEqual([
      'outcomes.1.paragraph',
      'commitments.0.paragraph',
      'commitments.0.ownerSides',
      'commitments.1.ownerSides',
      'commitments.1.id',
    ]);
  });
});
