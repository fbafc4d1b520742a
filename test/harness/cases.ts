import { expect } from 'vitest';
import { call, type NodeHandle, type Session } from './node.js';

/**
 * Opens a case on `node` as `session`: by default a hacking case with nothing but its
 * title, or with `fields` (kind, summary, priority …). Returns its id.
 */
export async function openCase(
  node: NodeHandle,
  session: Session,
  title: string,
  fields: Record<string, unknown> = { kind: 'hacking' },
): Promise<string> {
  const r = await call(node.app, session, 'POST', '/api/cases', { title, ...fields });
  expect(r.statusCode, r.body).toBe(201);
  return r.json<{ id: string }>().id;
}

/** Adds a STIX object to a case through the API (201 expected); the object's view. */
export async function addObject<View = any>(
  node: NodeHandle,
  session: Session,
  caseId: string,
  object: Record<string, unknown>,
  tlp = 'amber',
  redRecipients: string[] = [],
): Promise<View> {
  const r = await call(node.app, session, 'POST', `/api/cases/${caseId}/objects`, {
    object,
    tlp,
    redRecipients,
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json<View>();
}
