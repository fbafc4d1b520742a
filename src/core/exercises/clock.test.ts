import { describe, expect, it } from 'vitest';
import {
  CLOCK_STATES,
  type ClockMove,
  type ClockState,
  type ExerciseClock,
  foldClock,
  formatScenarioTime,
  moveClock,
  READY_CLOCK,
  scenarioTimeAt,
  wallTimeOf,
} from './clock.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2027, 3, 14, 9, 0);

const MOVES: ClockMove[] = [
  { kind: 'start', at: T0, speed: 60 },
  { kind: 'pause', at: T0 },
  { kind: 'resume', at: T0 },
  { kind: 'speed', at: T0, speed: 10 },
  { kind: 'jump', at: T0, to: 30 * MINUTE },
  { kind: 'end', at: T0 },
];

/** The state each move leads to from each state, or null where it is refused. */
const EXPECTED: Record<ClockState, Record<ClockMove['kind'], ClockState | null>> = {
  ready: { start: 'running', pause: null, resume: null, speed: null, jump: null, end: 'ended' },
  running: {
    start: null,
    pause: 'paused',
    resume: null,
    speed: 'running',
    jump: 'running',
    end: 'ended',
  },
  paused: {
    start: null,
    pause: null,
    resume: 'running',
    speed: 'paused',
    jump: 'paused',
    end: 'ended',
  },
  ended: { start: null, pause: null, resume: null, speed: null, jump: null, end: null },
};

describe('the exercise clock', () => {
  describe.each(CLOCK_STATES)('from %s', (state) => {
    const clock: ExerciseClock = {
      ...READY_CLOCK,
      state,
      anchorWall: T0 - MINUTE,
      anchorScenario: 0,
    };
    it.each(MOVES)('$kind', (move) => {
      const result = moveClock(clock, move);
      const expected = EXPECTED[state][move.kind];
      if (expected === null) {
        expect(result.ok ? result.clock.state : result.refusal.code).toBe('clock_move_not_allowed');
      } else {
        expect(result.ok && result.clock.state).toBe(expected);
      }
    });
  });

  it('runs at its speed, holds still while paused, and re-anchors on every move', () => {
    const clock = foldClock([
      { kind: 'start', at: T0, speed: 60 },
      // One wall minute at 60×: an hour of scenario time.
      { kind: 'pause', at: T0 + MINUTE },
    ]);
    expect(scenarioTimeAt(clock, T0 + 10 * MINUTE)).toBe(60 * MINUTE);
    const resumed = foldClock([
      { kind: 'start', at: T0, speed: 60 },
      { kind: 'pause', at: T0 + MINUTE },
      { kind: 'resume', at: T0 + 5 * MINUTE },
      { kind: 'speed', at: T0 + 6 * MINUTE, speed: 1 },
    ]);
    expect(scenarioTimeAt(resumed, T0 + 6 * MINUTE)).toBe(120 * MINUTE);
    expect(scenarioTimeAt(resumed, T0 + 16 * MINUTE)).toBe(130 * MINUTE);
    expect(formatScenarioTime(scenarioTimeAt(resumed, T0 + 16 * MINUTE))).toBe('T+02:10');
  });

  it('says when a scenario time will come, and nothing while paused', () => {
    const running = foldClock([{ kind: 'start', at: T0, speed: 60 }]);
    expect(wallTimeOf(running, 90 * MINUTE)).toBe(T0 + 1.5 * MINUTE);
    expect(wallTimeOf(running, 0)).toBe(T0);
    const paused = foldClock([
      { kind: 'start', at: T0, speed: 60 },
      { kind: 'pause', at: T0 + MINUTE },
    ]);
    expect(wallTimeOf(paused, 90 * MINUTE)).toBeNull();
  });

  it('jumps only forward, and takes speeds from 1 to 60 only', () => {
    const running = foldClock([{ kind: 'start', at: T0, speed: 1 }]);
    const back = moveClock(running, { kind: 'jump', at: T0 + 10 * MINUTE, to: 5 * MINUTE });
    expect(!back.ok && back.refusal.code).toBe('clock_backwards');
    const forward = moveClock(running, { kind: 'jump', at: T0 + 10 * MINUTE, to: 45 * MINUTE });
    expect(forward.ok && scenarioTimeAt(forward.clock, T0 + 11 * MINUTE)).toBe(46 * MINUTE);
    for (const speed of [0, 61, 1.5, Number.NaN]) {
      const result = moveClock(READY_CLOCK, { kind: 'start', at: T0, speed });
      expect(!result.ok && result.refusal.code).toBe('invalid_speed');
    }
  });

  it('reads the same on two nodes that apply the same moves', () => {
    const moves: ClockMove[] = [
      { kind: 'start', at: T0, speed: 30 },
      { kind: 'pause', at: T0 + 2 * MINUTE },
      { kind: 'resume', at: T0 + 3 * MINUTE },
    ];
    const here = foldClock(moves);
    const there = foldClock(moves.map((move) => ({ ...move })));
    expect(scenarioTimeAt(there, T0 + 7 * MINUTE)).toBe(scenarioTimeAt(here, T0 + 7 * MINUTE));
  });
});
