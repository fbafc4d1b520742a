import { badRequest } from '../errors.js';

/**
 * The cursor of a list paged newest first by (time, id): where the last row of a page
 * stands, opaque to the client. One shape for the lists that page this way.
 */
export function encodeTimeCursor(at: number, id: string): string {
  return Buffer.from(`${Number(at)}|${id}`).toString('base64url');
}

/** The position a time cursor names; 400 invalid_cursor for anything this node did not give. */
export function decodeTimeCursor(cursor: string): { at: number; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !/^\d+$/.test(at)) {
    throw badRequest(
      'invalid_cursor',
      'The cursor is not one this list gave; start again without it.',
    );
  }
  return { at: Number(at), id };
}
