/**
 * The report's text cut at every extraction's span, so that the page renders it as plain
 * React text nodes (never HTML): each piece with the extractions that cover it. Pure, tested.
 */

export type MarkKind = 'indicator' | 'entity' | 'claim' | 'dropped';

export interface Mark {
  kind: MarkKind;
  /** The extraction's index in its list (dropped values: their place in `dropped`). */
  index: number;
  start: number;
  end: number;
  /** indicator type, entity kind, claim stance, or the dropped value's type. */
  sub: string;
  state: 'pending' | 'accepted' | 'rejected' | 'dropped';
}

export interface Piece {
  text: string;
  start: number;
  /** The extractions covering this piece, widest first. */
  marks: Mark[];
}

/** Spans outside the text or empty are left out; the rest cut the text into pieces. */
export function cutText(text: string, marks: readonly Mark[]): Piece[] {
  const valid = marks.filter((m) => m.start >= 0 && m.end <= text.length && m.start < m.end);
  const cuts = new Set<number>([0, text.length]);
  for (const m of valid) {
    cuts.add(m.start);
    cuts.add(m.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  // One sweep: the marks open at each piece, added at their start and dropped at their end,
  // so a long report with thousands of extractions stays linear-ish, not pieces × marks.
  const byStart = [...valid].sort((a, b) => a.start - b.start);
  let next = 0;
  let active: Mark[] = [];
  const pieces: Piece[] = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const start = points[i]!;
    const end = points[i + 1]!;
    active = active.filter((m) => m.end > start);
    while (next < byStart.length && byStart[next]!.start <= start) active.push(byStart[next++]!);
    const covering = [...active].sort((a, b) => b.end - b.start - (a.end - a.start));
    pieces.push({ text: text.slice(start, end), start, marks: covering });
  }
  return pieces;
}

/** The mark a piece is coloured by: an indicator or a dropped value first, then an entity. */
export function topMark(marks: readonly Mark[]): Mark | undefined {
  const order: MarkKind[] = ['indicator', 'dropped', 'entity', 'claim'];
  for (const kind of order) {
    const found = marks.filter((m) => m.kind === kind).at(-1);
    if (found) return found;
  }
  return undefined;
}
