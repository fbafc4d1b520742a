import { expect } from 'vitest';
import { call, type NodeHandle, type Session } from './node.js';

/**
 * Adds a point of contact on `node` as `session`: a person with the 24/7 duty role, no
 * working hours (the hotline roster says who is on duty), unpublished unless
 * `options.published`. Returns its id.
 */
export async function contact(
  node: NodeHandle,
  session: Session,
  name: string,
  channels: { type: string; value: string }[],
  options: { published?: boolean; roles?: string[]; kind?: string; timeZone?: string } = {},
): Promise<string> {
  const r = await call(node.app, session, 'POST', '/api/contacts', {
    name,
    kind: options.kind ?? 'person',
    roles: options.roles ?? ['duty_24_7'],
    channels,
    languages: ['en'],
    workingHours: { days: [], start: '09:00', end: '17:00', always: false },
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    published: options.published ?? false,
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}
