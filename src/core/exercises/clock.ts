/**
 * The exercise clock: scenario time (minutes since T+00:00, in milliseconds here) as a
 * function of the wall clock. One clock for both nodes: a controller's move carries the wall
 * time it was made at, and each node applies the same move with the same anchor, so both
 * read the same scenario time (their wall clocks kept by NTP, as the federation assumes).
 *
 * The clock is an anchor (this wall time was this scenario time) and a speed; while it runs,
 * scenario time advances `speed` times as fast as the wall clock. Every move re-anchors.
 */
export const CLOCK_STATES = ['ready', 'running', 'paused', 'ended'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

export const MIN_SPEED = 1;
export const MAX_SPEED = 60;

export interface ExerciseClock {
  state: ClockState;
  /** Wall time (ms since the epoch) of the last move. */
  anchorWall: number;
  /** Scenario time (ms since T+00:00) at the anchor. */
  anchorScenario: number;
  speed: number;
}

export type ClockMove =
  | { kind: 'start'; at: number; speed: number }
  | { kind: 'pause'; at: number }
  | { kind: 'resume'; at: number }
  | { kind: 'speed'; at: number; speed: number }
  /** Sets scenario time (forward only: what fired has fired). */
  | { kind: 'jump'; at: number; to: number }
  | { kind: 'end'; at: number };
export type ClockMoveKind = ClockMove['kind'];

export const READY_CLOCK: ExerciseClock = {
  state: 'ready',
  anchorWall: 0,
  anchorScenario: 0,
  speed: 1,
};

/** Scenario time (ms) at wall time `wall`. */
export function scenarioTimeAt(clock: ExerciseClock, wall: number): number {
  if (clock.state !== 'running') return clock.anchorScenario;
  return clock.anchorScenario + Math.max(0, wall - clock.anchorWall) * clock.speed;
}

/** The wall time at which the running clock reaches scenario time `scenario`; null if it is not running. */
export function wallTimeOf(clock: ExerciseClock, scenario: number): number | null {
  if (clock.state !== 'running') return null;
  const ahead = Math.max(0, scenario - clock.anchorScenario);
  return clock.anchorWall + Math.ceil(ahead / clock.speed);
}

/** Which moves each state allows. */
const ALLOWED: Record<ClockState, readonly ClockMoveKind[]> = {
  ready: ['start', 'end'],
  running: ['pause', 'speed', 'jump', 'end'],
  paused: ['resume', 'speed', 'jump', 'end'],
  ended: [],
};

export type ClockRefusal =
  | { code: 'clock_move_not_allowed'; message: string }
  | { code: 'invalid_speed'; message: string }
  | { code: 'clock_backwards'; message: string };

function checkSpeed(speed: number): ClockRefusal | null {
  return Number.isInteger(speed) && speed >= MIN_SPEED && speed <= MAX_SPEED
    ? null
    : {
        code: 'invalid_speed',
        message: `The speed is a whole number from ${MIN_SPEED} to ${MAX_SPEED}, not ${speed}.`,
      };
}

/**
 * The one transition of the clock, used by the controller's node and by the peer applying
 * the same move: the new clock, or why the move is refused.
 */
export function moveClock(
  clock: ExerciseClock,
  move: ClockMove,
): { ok: true; clock: ExerciseClock } | { ok: false; refusal: ClockRefusal } {
  if (!ALLOWED[clock.state].includes(move.kind)) {
    return {
      ok: false,
      refusal: {
        code: 'clock_move_not_allowed',
        message: `The exercise clock is ${clock.state}; it cannot ${move.kind}.`,
      },
    };
  }
  const now = scenarioTimeAt(clock, move.at);
  const anchored = { ...clock, anchorWall: move.at, anchorScenario: now };
  switch (move.kind) {
    case 'start': {
      const refusal = checkSpeed(move.speed);
      if (refusal) return { ok: false, refusal };
      return { ok: true, clock: { ...anchored, state: 'running', speed: move.speed } };
    }
    case 'pause':
      return { ok: true, clock: { ...anchored, state: 'paused' } };
    case 'resume':
      return { ok: true, clock: { ...anchored, state: 'running' } };
    case 'speed': {
      const refusal = checkSpeed(move.speed);
      if (refusal) return { ok: false, refusal };
      return { ok: true, clock: { ...anchored, speed: move.speed } };
    }
    case 'jump':
      if (!Number.isFinite(move.to) || move.to < now) {
        return {
          ok: false,
          refusal: {
            code: 'clock_backwards',
            message: 'The exercise clock only jumps forward: what has fired has fired.',
          },
        };
      }
      return { ok: true, clock: { ...anchored, anchorScenario: move.to } };
    case 'end':
      return { ok: true, clock: { ...anchored, state: 'ended' } };
  }
}

/** Folds a list of moves from the ready clock; a refused move is kept without effect. */
export function foldClock(moves: readonly ClockMove[]): ExerciseClock {
  let clock = READY_CLOCK;
  for (const move of moves) {
    const result = moveClock(clock, move);
    if (result.ok) clock = result.clock;
  }
  return clock;
}

/** "T+01:30" for a scenario time in ms (minutes rounded down). */
export function formatScenarioTime(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  return `T+${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
