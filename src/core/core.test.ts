import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { fingerprintOf, formatFingerprintLines, sameFingerprint } from './fingerprint.js';
import { rolesAllow } from './roles.js';
import { isTimeZone } from './time-zone.js';

describe('core', () => {
  it('derives a stable fingerprint of twelve five-digit groups from both keys', () => {
    const a = fingerprintOf('sig-thumbprint', 'enc-thumbprint');
    expect(a).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(fingerprintOf('sig-thumbprint', 'enc-thumbprint')).toBe(a);
    expect(fingerprintOf('sig-thumbprint', 'other-enc')).not.toBe(a);
    expect(formatFingerprintLines(a)).toHaveLength(3);
    expect(sameFingerprint(a, formatFingerprintLines(a).join('\n'))).toBe(true);
    expect(
      sameFingerprint(
        a,
        a.replace(/^\d/, (d) => String((Number(d) + 1) % 10)),
      ),
    ).toBe(false);
  });

  it('writes canonical JSON with sorted keys', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: undefined }] })).toBe(
      '{"a":[true,null,{"d":"x"}],"b":1}',
    );
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('grants permissions by role', () => {
    expect(rolesAllow(['admin'], 'users.manage')).toBe(true);
    expect(rolesAllow(['observer', 'analyst'], 'users.manage')).toBe(false);
    expect(rolesAllow(['observer'], 'events.read')).toBe(true);
  });
});
