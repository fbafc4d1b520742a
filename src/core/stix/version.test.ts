import { describe, expect, it } from 'vitest';
import { validateStix } from '../../../test/harness/stix-schemas.js';
import { at } from '../../../test/harness/time.js';
import { nodeIdentity } from './ids.js';
import { parseStixObject } from './schemas.js';
import { compareStixTimestamps, epochMsOf, isStixTimestamp } from './timestamps.js';
import { markingRefOf } from './tlp.js';
import { isNewerVersion, newVersion, nextModified, revoke, StixVersionError } from './version.js';

const author = nodeIdentity('us-doj', 'U.S. Department of Justice');
const threatActor = {
  type: 'threat-actor',
  spec_version: '2.1',
  id: 'threat-actor--9a8a0d25-7636-429b-a99e-b2a73cd0f11f',
  created_by_ref: author.id,
  created: '2026-11-24T09:00:00.000Z',
  modified: '2026-11-24T09:00:00.000Z',
  name: 'Adversary Bravo',
  description: 'first description',
  object_marking_refs: [markingRefOf('amber')],
};

describe('new versions', () => {
  it('keep the id and created, apply the changes and move modified to now', () => {
    const next = newVersion(
      threatActor,
      { name: 'Adversary Bravo (APT-X)' },
      at('2026-11-25T10:00:00.123Z'),
    );
    expect(next).toEqual({
      ...threatActor,
      name: 'Adversary Bravo (APT-X)',
      modified: '2026-11-25T10:00:00.123Z',
    });
    expect(threatActor.name).toBe('Adversary Bravo'); // the previous version is untouched
    expect(validateStix(next)).toEqual([]);
    expect(parseStixObject(next)).toMatchObject({ ok: true });
    expect(isNewerVersion(next, threatActor)).toBe(true);
    expect(isNewerVersion(threatActor, next)).toBe(false);
  });

  it('remove a property set to undefined', () => {
    const next = newVersion(threatActor, { description: undefined }, at('2026-11-25T10:00:00Z'));
    expect(next).not.toHaveProperty('description');
  });

  it('are strictly later even when the clock is not', () => {
    // Same millisecond, and a clock that went backwards.
    expect(newVersion(threatActor, { name: 'b' }, at(threatActor.modified)).modified).toBe(
      '2026-11-24T09:00:00.001Z',
    );
    expect(newVersion(threatActor, { name: 'b' }, at('2026-11-20T00:00:00Z')).modified).toBe(
      '2026-11-24T09:00:00.001Z',
    );
    // A previous modified more precise than the millisecond.
    expect(nextModified('2026-11-24T09:00:00.000500Z', at('2026-11-24T09:00:00Z'))).toBe(
      '2026-11-24T09:00:00.001Z',
    );
    let version: Record<string, unknown> & { modified: string } = threatActor;
    for (let i = 0; i < 5; i++) {
      const next = newVersion(version, { name: `v${i}` }, at('2026-11-24T09:00:00Z'));
      expect(compareStixTimestamps(next.modified, version.modified)).toBeGreaterThan(0);
      expect(isStixTimestamp(next.modified)).toBe(true);
      version = next;
    }
    expect(epochMsOf(version.modified) - epochMsOf(threatActor.modified)).toBe(5);
  });

  it('ignore a modified given in the changes', () => {
    const next = newVersion(
      threatActor,
      { modified: '2000-01-01T00:00:00.000Z' },
      at('2026-11-26T00:00:00Z'),
    );
    expect(next.modified).toBe('2026-11-26T00:00:00.000Z');
  });

  it('refuse to change what identifies the object', () => {
    for (const changes of [
      { id: 'threat-actor--5b4c3d2e-1f0a-4b9c-8d7e-6f5a4b3c2d1e' },
      { created: '2026-11-25T00:00:00.000Z' },
      { created_by_ref: 'identity--5b4c3d2e-1f0a-4b9c-8d7e-6f5a4b3c2d1e' },
      { type: 'intrusion-set' },
    ]) {
      expect(() => newVersion(threatActor, changes, Date.now())).toThrow(StixVersionError);
    }
    try {
      newVersion(threatActor, { created: '2026-11-25T00:00:00.000Z' }, Date.now());
    } catch (error) {
      expect(error).toMatchObject({
        code: 'stix_fixed_property',
        message: expect.stringContaining('threat-actor.created: cannot change'),
      });
    }
    // Giving the same value is not a change.
    expect(() => newVersion(threatActor, { id: threatActor.id }, Date.now())).not.toThrow();
  });

  it('do not exist for observables', () => {
    const ip = {
      type: 'ipv4-addr',
      id: 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4',
      value: '198.51.100.3',
    };
    expect(() => newVersion(ip, { value: '198.51.100.4' }, Date.now())).toThrow(
      expect.objectContaining({ code: 'stix_not_versioned' }),
    );
  });
});

describe('revocation', () => {
  it('is a last version with revoked: true, valid for OASIS', () => {
    const revoked = revoke(threatActor, at('2026-11-26T12:00:00Z'));
    expect(revoked).toMatchObject({
      id: threatActor.id,
      created: threatActor.created,
      modified: '2026-11-26T12:00:00.000Z',
      revoked: true,
    });
    expect(validateStix(revoked)).toEqual([]);
    expect(parseStixObject(revoked)).toMatchObject({ ok: true });
  });

  it('is permanent: no version follows it', () => {
    const revoked = revoke(threatActor, at('2026-11-26T12:00:00Z'));
    expect(() => newVersion(revoked, { name: 'back' }, at('2026-11-27T00:00:00Z'))).toThrow(
      expect.objectContaining({ code: 'stix_revoked' }),
    );
    expect(() => revoke(revoked, at('2026-11-27T00:00:00Z'))).toThrow(StixVersionError);
  });
});

describe('timestamps', () => {
  it('compare exactly, whatever the precision', () => {
    expect(compareStixTimestamps('2026-01-01T00:00:00.5Z', '2026-01-01T00:00:00.500Z')).toBe(0);
    expect(compareStixTimestamps('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z')).toBe(0);
    expect(compareStixTimestamps('2026-01-01T00:00:00.1234Z', '2026-01-01T00:00:00.123Z')).toBe(1);
    expect(compareStixTimestamps('2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00Z')).toBe(-1);
  });

  it('are real instants in UTC', () => {
    expect(isStixTimestamp('2026-02-28T23:59:59Z')).toBe(true);
    expect(isStixTimestamp('2028-02-29T00:00:00.000Z')).toBe(true);
    for (const bad of [
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T00:00:60Z',
      '2026-01-01T00:00:00+00:00',
      '2026-01-01 00:00:00Z',
      '2026-01-01T00:00:00.Z',
    ]) {
      expect(isStixTimestamp(bad), bad).toBe(false);
    }
  });
});
