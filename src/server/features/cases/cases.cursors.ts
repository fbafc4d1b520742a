import { badRequest } from '../../errors.js';
import type { ObjectCursor, ObjectSort } from './members.repository.js';
import type { CaseRow } from './cases.table.js';

/**
 * The cursors of the case list and the case page: where the last page ended, opaque to the
 * client (base64url of JSON). One that was not given by this server is a 400.
 */
function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function badCursor() {
  return badRequest('invalid_cursor', 'cursor is not one this server gave for this list.');
}

export function encodeCaseCursor(row: CaseRow): string {
  return encode(['cases', Number(row.updated_at), row.id]);
}

export function decodeCaseCursor(cursor: string): { updatedAt: number; id: string } {
  const value = decode(cursor);
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    value[0] !== 'cases' ||
    typeof value[1] !== 'number' ||
    typeof value[2] !== 'string'
  ) {
    throw badCursor();
  }
  return { updatedAt: value[1], id: value[2] };
}

/** The sort keys each order's cursor carries after the sort's name, the object id last. */
const KEYS: Record<ObjectSort, ('number' | 'string')[]> = {
  recent: ['number', 'string'],
  oldest: ['number', 'string'],
  type: ['string', 'number', 'string'],
  label: ['string', 'string'],
};

export function encodeObjectCursor(sort: ObjectSort, keys: ObjectCursor): string {
  return encode([sort, ...keys]);
}

/** The keys of a cursor given for `sort` (a cursor of another order is refused). */
export function decodeObjectCursor(cursor: string, sort: ObjectSort): ObjectCursor {
  const value = decode(cursor);
  const kinds = KEYS[sort];
  if (!Array.isArray(value) || value[0] !== sort || value.length !== kinds.length + 1) {
    throw badCursor();
  }
  const keys = value.slice(1) as unknown[];
  if (!keys.every((key, i) => typeof key === kinds[i])) throw badCursor();
  return keys as ObjectCursor;
}
