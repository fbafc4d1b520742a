import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { validateStix } from '../../../test/harness/stix-schemas.js';
import { parseAnyStixObject } from './any-object.js';
import { deterministicScoId } from './ids.js';
import { isMispEvent, mispEventToStix } from './misp.js';
import type { TlpLevel } from './tlp.js';

// The TLP 2.0 marking ids as OASIS publishes them, written out so a typo in tlp.ts cannot agree with itself.
const AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
const RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
const CLEAR = 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487';

const EVENT_UUID = 'b1a2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const ORG_UUID = '55f6ea5e-2c60-40e5-964f-47a8950d210f';
const FILE_OBJECT_UUID = 'c7d8e9f0-1a2b-4c3d-9e4f-5a6b7c8d9e0f';
const uuid = (n: number) => `a0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const MD5 = 'e5f96ae00443877315fbb64fd3d90005';
const SHA256 = '52d6e3de4fa0dcc29946695f93940c3e7f26f30e1e39f4b1a49ad98839112786';
const RED_SHA256 = 'a934d8d273e44f15ccddbcd7180cf99d0fff719acff064f0b080299f9cd83e41';

function attribute(n: number, type: string, value: string, extra: Record<string, unknown> = {}) {
  return {
    id: String(1000 + n),
    uuid: uuid(n),
    event_id: '42',
    category: 'Network activity',
    type,
    value,
    to_ids: false,
    comment: '',
    deleted: false,
    distribution: '5',
    timestamp: '1772440000',
    ...extra,
  };
}

/** An event as MISP exports it (Event > Attribute, Object, Tag, Orgc). */
function mispExport() {
  return {
    Event: {
      id: '42',
      uuid: EVENT_UUID,
      info: 'Phishing wave against ministries of justice',
      date: '2026-03-02',
      timestamp: '1772442000',
      publish_timestamp: '1772445600',
      published: true,
      threat_level_id: '2',
      analysis: '1',
      distribution: '1',
      Org: { id: '1', name: 'CERT-Example', uuid: ORG_UUID },
      Orgc: { id: '1', name: 'CERT-Example', uuid: ORG_UUID },
      Tag: [{ name: 'TLP:AMBER', colour: '#FFC000' }, { name: 'type:OSINT' }],
      Attribute: [
        attribute(1, 'ip-dst', '203.0.113.7', { to_ids: true, comment: 'C2 server' }),
        attribute(2, 'ip-src', '999.1.1.1', { to_ids: true }),
        attribute(3, 'domain', 'Evil-Login.example', { to_ids: true }),
        attribute(4, 'url', "https://evil-login.example/login?user=o'brien", { to_ids: true }),
        attribute(5, 'email-src', 'phisher@evil-login.example', { category: 'Payload delivery' }),
        attribute(6, 'sha256', RED_SHA256, {
          to_ids: true,
          category: 'Payload delivery',
          Tag: [{ name: 'tlp:red' }],
        }),
        attribute(7, 'hostname', 'mail.evil-login.example'),
        attribute(8, 'regkey', 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater', {
          to_ids: true,
          category: 'Persistence mechanism',
        }),
        attribute(9, 'vulnerability', 'CVE-2024-3094', { category: 'External analysis' }),
        attribute(10, 'text', 'Lure written in French and German', { category: 'Other' }),
        attribute(11, 'ip-dst', '198.51.100.9', { to_ids: true, deleted: true }),
        attribute(12, 'domain|ip', 'cdn.evil-login.example|198.51.100.23'),
        attribute(13, 'md5', 'e5f96ae00443877315fbb64fd3d9000', { to_ids: true }),
      ],
      Object: [
        {
          id: '7',
          name: 'file',
          meta_category: 'file',
          uuid: FILE_OBJECT_UUID,
          timestamp: '1772438400',
          comment: 'Attachment of the phishing e-mail',
          deleted: false,
          Attribute: [
            attribute(20, 'filename', 'invoice.pdf.exe', { object_relation: 'filename' }),
            attribute(21, 'md5', MD5, { object_relation: 'md5', to_ids: true }),
            attribute(22, 'sha256', SHA256, { object_relation: 'sha256', to_ids: true }),
            attribute(23, 'size-in-bytes', '48213', { object_relation: 'size-in-bytes' }),
          ],
        },
      ],
    },
  };
}

type Obj = Record<string, any>;
const byId = (objects: Obj[], id: string): Obj | undefined => objects.find((o) => o['id'] === id);
/** The conversion, its objects read loosely (the assertions are the type check). */
function convert(input: unknown, defaultTlp: TlpLevel) {
  const result = mispEventToStix(input, defaultTlp);
  return { objects: result.objects as Obj[], problems: result.problems };
}
const scoId = (object: Record<string, unknown>) => {
  const id = deterministicScoId(object);
  if (id === null) throw new Error('no deterministic id');
  return id;
};

describe('importing a MISP event', () => {
  const { objects, problems } = convert(mispExport(), 'green');
  const problemOf = (n: number) => problems.filter((p) => p.ref.includes(uuid(n)));

  it('makes a report of the event, created by the organisation, naming everything made', () => {
    const report = byId(objects, `report--${EVENT_UUID}`);
    const identity = byId(objects, `identity--${ORG_UUID}`);
    expect(identity).toMatchObject({
      type: 'identity',
      name: 'CERT-Example',
      identity_class: 'organization',
      object_marking_refs: [CLEAR],
    });
    expect(report).toMatchObject({
      type: 'report',
      name: 'Phishing wave against ministries of justice',
      created_by_ref: `identity--${ORG_UUID}`,
      created: '2026-03-02T09:00:00.000Z',
      modified: '2026-03-02T09:00:00.000Z',
      published: '2026-03-02T10:00:00.000Z',
      report_types: ['threat-report'],
      object_marking_refs: [AMBER],
    });
    expect(objects.at(-1)).toBe(report);
    const others = objects.filter((o) => o !== report).map((o) => String(o['id']));
    expect([...(report?.['object_refs'] as string[])].sort()).toEqual([...others].sort());
    for (const object of objects) {
      if (object['created'] !== undefined && object['type'] !== 'identity') {
        expect(object['created_by_ref'], object['id']).toBe(`identity--${ORG_UUID}`);
      }
    }
  });

  it('makes an observable of every attribute and an indicator of those marked to_ids', () => {
    const ip = { type: 'ipv4-addr', value: '203.0.113.7' };
    expect(byId(objects, scoId(ip))).toEqual({
      ...ip,
      spec_version: '2.1',
      id: scoId(ip),
      object_marking_refs: [AMBER],
    });
    expect(byId(objects, `indicator--${uuid(1)}`)).toMatchObject({
      type: 'indicator',
      name: '203.0.113.7',
      description: 'C2 server',
      indicator_types: ['malicious-activity'],
      pattern: "[ipv4-addr:value = '203.0.113.7']",
      pattern_type: 'stix',
      valid_from: '2026-03-02T08:26:40.000Z',
      created: '2026-03-02T08:26:40.000Z',
      object_marking_refs: [AMBER],
    });
    expect(byId(objects, `indicator--${uuid(3)}`)?.['pattern']).toBe(
      "[domain-name:value = 'evil-login.example']",
    );
    // A quote in a value is escaped in the pattern, the observable keeps it as it is.
    const url = "https://evil-login.example/login?user=o'brien";
    expect(byId(objects, scoId({ type: 'url', value: url }))).toBeDefined();
    expect(byId(objects, `indicator--${uuid(4)}`)?.['pattern']).toBe(
      "[url:value = 'https://evil-login.example/login?user=o\\'brien']",
    );

    // to_ids false: the observable only.
    const email = { type: 'email-addr', value: 'phisher@evil-login.example' };
    expect(byId(objects, scoId(email))).toBeDefined();
    expect(byId(objects, `indicator--${uuid(5)}`)).toBeUndefined();
    expect(byId(objects, `indicator--${uuid(7)}`)).toBeUndefined();

    // domain|ip: the domain resolves to the address.
    const address = { type: 'ipv4-addr', value: '198.51.100.23' };
    const cdn = { type: 'domain-name', value: 'cdn.evil-login.example' };
    expect(byId(objects, scoId(cdn))).toMatchObject({ resolves_to_refs: [scoId(address)] });
    expect(byId(objects, scoId(address))).toBeDefined();
  });

  it('makes one file of a MISP file object, with one indicator over all its attributes', () => {
    const file = byId(
      objects,
      scoId({ type: 'file', hashes: { MD5: MD5 }, name: 'invoice.pdf.exe' }),
    );
    expect(file).toEqual({
      type: 'file',
      spec_version: '2.1',
      id: file?.['id'],
      name: 'invoice.pdf.exe',
      hashes: { MD5: MD5, 'SHA-256': SHA256 },
      size: 48213,
      object_marking_refs: [AMBER],
    });
    expect(
      objects.filter((o) => o['type'] === 'file' && o['name'] === 'invoice.pdf.exe'),
    ).toHaveLength(1);
    expect(byId(objects, `indicator--${FILE_OBJECT_UUID}`)).toMatchObject({
      name: 'file: invoice.pdf.exe',
      description: 'Attachment of the phishing e-mail',
      pattern: `[file:name = 'invoice.pdf.exe' AND file:hashes.MD5 = '${MD5}' AND file:hashes.'SHA-256' = '${SHA256}' AND file:size = 48213]`,
      valid_from: '2026-03-02T08:00:00.000Z',
    });
    for (const n of [20, 21, 22, 23])
      expect(byId(objects, `indicator--${uuid(n)}`)).toBeUndefined();
  });

  it("marks each object with its attribute's TLP tag, else the event's", () => {
    const red = { type: 'file', hashes: { 'SHA-256': RED_SHA256 } };
    expect(byId(objects, scoId(red))?.['object_marking_refs']).toEqual([RED]);
    expect(byId(objects, `indicator--${uuid(6)}`)).toMatchObject({
      pattern: `[file:hashes.'SHA-256' = '${RED_SHA256}']`,
      object_marking_refs: [RED],
    });
    const marked = objects.filter((o) => o['type'] !== 'identity');
    const amber = marked.filter((o) => o['object_marking_refs'][0] === AMBER);
    expect(amber.length).toBe(marked.length - 2);
    for (const object of objects) expect(object['object_marking_refs']).toHaveLength(1);
  });

  it('reports what it could not map, naming the attribute, and skips deleted ones silently', () => {
    expect(problemOf(2)).toEqual([
      {
        ref: `Attribute ${uuid(2)} (type ip-src)`,
        reason: '"999.1.1.1" is not an IPv4 or IPv6 address (nor a CIDR block)',
      },
    ]);
    expect(problemOf(13)).toEqual([
      {
        ref: `Attribute ${uuid(13)} (type md5)`,
        reason:
          '"e5f96ae00443877315fbb64fd3d9000" is not an MD5 hash: it has 31 hexadecimal digits, where 32 hexadecimal digits are expected',
      },
    ]);
    expect(byId(objects, `indicator--${uuid(2)}`)).toBeUndefined();
    expect(byId(objects, `indicator--${uuid(13)}`)).toBeUndefined();
    expect(problemOf(10)).toEqual([
      {
        ref: `Attribute ${uuid(10)} (type text)`,
        reason: 'free text has no STIX observable; not imported',
      },
    ]);
    // A registry key: the observable and the indicator, the hive written out in full.
    const key = 'HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater';
    const registryKey = { type: 'windows-registry-key', key };
    expect(byId(objects, scoId(registryKey))).toEqual({
      ...registryKey,
      spec_version: '2.1',
      id: scoId(registryKey),
      object_marking_refs: [AMBER],
    });
    expect(byId(objects, `indicator--${uuid(8)}`)?.['pattern']).toBe(
      "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\updater']",
    );
    // Deleted: neither an object nor a problem.
    expect(problemOf(11)).toEqual([]);
    expect(byId(objects, `indicator--${uuid(11)}`)).toBeUndefined();
    expect(byId(objects, scoId({ type: 'ipv4-addr', value: '198.51.100.9' }))).toBeUndefined();
    // Everything else mapped without a word.
    for (const n of [1, 3, 4, 5, 6, 7, 8, 9, 12, 20, 21, 22, 23])
      expect(problemOf(n), `${n}`).toEqual([]);
  });

  it('makes a vulnerability of a CVE, named by the attribute, with the CVE as external reference', () => {
    expect(byId(objects, `vulnerability--${uuid(9)}`)).toEqual({
      type: 'vulnerability',
      spec_version: '2.1',
      id: `vulnerability--${uuid(9)}`,
      created_by_ref: `identity--${ORG_UUID}`,
      created: '2026-03-02T08:26:40.000Z',
      modified: '2026-03-02T08:26:40.000Z',
      name: 'CVE-2024-3094',
      external_references: [{ source_name: 'cve', external_id: 'CVE-2024-3094' }],
      object_marking_refs: [AMBER],
    });
    expect(objects.filter((o) => o['type'] === 'vulnerability')).toHaveLength(1);
    expect(problemOf(9)).toEqual([]);
  });

  it('emits only valid STIX 2.1, each object after those it refers to', () => {
    expect(objects.length).toBeGreaterThan(10);
    const seen = new Set<string>();
    for (const object of objects) {
      const parsed = parseAnyStixObject(object);
      expect(parsed.ok ? [] : parsed.errors, object['id']).toEqual([]);
      expect(validateStix(object), object['id']).toEqual([]);
      for (const [key, value] of Object.entries(object)) {
        if (key === 'object_marking_refs') continue;
        const refs = key.endsWith('_refs')
          ? (value as string[])
          : key.endsWith('_ref')
            ? [value]
            : [];
        for (const ref of refs) expect(seen.has(ref), `${object['id']} ${key} ${ref}`).toBe(true);
      }
      expect(seen.has(object['id']), `${object['id']} twice`).toBe(false);
      seen.add(object['id']);
    }
  });

  it('gives the same bytes every time, so importing twice adds nothing', () => {
    const again = convert(mispExport(), 'green');
    expect(JSON.stringify(again)).toBe(JSON.stringify({ objects, problems }));
  });
});

describe('MISP objects other than files', () => {
  it('makes a domain resolving to its addresses, and reads an e-mail object as one message', () => {
    const event = {
      uuid: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
      info: 'Fake invoice mails',
      date: '2026-03-05',
      timestamp: '1772701200',
      Object: [
        {
          name: 'domain-ip',
          uuid: 'f0e1d2c3-b4a5-4968-8776-655443322110',
          Attribute: [
            attribute(40, 'domain', 'pay.evil-invoice.example', {
              object_relation: 'domain',
              to_ids: true,
            }),
            attribute(41, 'ip-dst', '192.0.2.80', { object_relation: 'ip' }),
          ],
        },
        {
          name: 'email',
          uuid: 'f0e1d2c3-b4a5-4968-8776-655443322111',
          Attribute: [
            attribute(42, 'email-src', 'billing@evil-invoice.example', {
              object_relation: 'from',
              to_ids: true,
            }),
            attribute(43, 'email-subject', "Your invoice isn't paid", {
              object_relation: 'subject',
            }),
          ],
        },
      ],
    };
    const { objects, problems } = convert(event, 'amber');
    expect(problems).toEqual([]);
    const address = scoId({ type: 'ipv4-addr', value: '192.0.2.80' });
    expect(
      byId(objects, scoId({ type: 'domain-name', value: 'pay.evil-invoice.example' })),
    ).toMatchObject({
      resolves_to_refs: [address],
    });
    expect(byId(objects, 'indicator--f0e1d2c3-b4a5-4968-8776-655443322110')?.['pattern']).toBe(
      "[domain-name:value = 'pay.evil-invoice.example' AND domain-name:resolves_to_refs[*].value = '192.0.2.80']",
    );
    expect(byId(objects, 'indicator--f0e1d2c3-b4a5-4968-8776-655443322111')?.['pattern']).toBe(
      "[email-message:from_ref.value = 'billing@evil-invoice.example' AND email-message:subject = 'Your invoice isn\\'t paid']",
    );
    for (const object of objects) expect(validateStix(object), object['id']).toEqual([]);
  });
});

describe('observables beyond addresses, names and files', () => {
  const event = {
    uuid: 'c0ffee00-1234-4abc-8def-0123456789ab',
    info: 'Loader on a hosting provider',
    date: '2026-03-06',
    timestamp: '1772787600',
    Orgc: { name: 'CERT-Example', uuid: ORG_UUID },
    Attribute: [
      attribute(50, 'mutex', 'Global\\LdrMtx_2026', { to_ids: true }),
      attribute(51, 'AS', 'AS64500'),
      attribute(52, 'mac-address', '00-1A-2B-3C-4D-5E', { to_ids: true }),
      attribute(53, 'regkey', 'hkcu\\Software\\Classes\\ms-settings\\shell\\open\\command'),
      attribute(54, 'regkey', 'HKEY_USERS\\.DEFAULT\\Software\\Loader', { to_ids: true }),
      attribute(55, 'vulnerability', 'cve-2023-4966'),
      attribute(56, 'regkey', 'Software\\Loader\\Config', { to_ids: true }),
      attribute(57, 'regkey', 'Software\\Loader\\Other'),
      attribute(58, 'AS', 'AS4294967296'),
      attribute(59, 'vulnerability', 'Citrix Bleed'),
    ],
  };
  const { objects, problems } = convert(event, 'green');
  const problemOf = (n: number) => problems.filter((p) => p.ref.includes(uuid(n)));
  const sco = (properties: Record<string, unknown>) => ({
    ...properties,
    spec_version: '2.1',
    id: scoId(properties),
    object_marking_refs: [GREEN],
  });

  it('makes mutex, autonomous-system, mac-addr and registry key observables with deterministic ids', () => {
    const expected = [
      { type: 'mutex', name: 'Global\\LdrMtx_2026' },
      { type: 'autonomous-system', number: 64500 },
      { type: 'mac-addr', value: '00:1a:2b:3c:4d:5e' },
      {
        type: 'windows-registry-key',
        key: 'HKEY_CURRENT_USER\\Software\\Classes\\ms-settings\\shell\\open\\command',
      },
      { type: 'windows-registry-key', key: 'HKEY_USERS\\.DEFAULT\\Software\\Loader' },
    ];
    for (const properties of expected) {
      expect(byId(objects, scoId(properties)), properties.type).toEqual(sco(properties));
    }
    const observables = objects.filter((o) => o['created'] === undefined);
    expect(observables).toHaveLength(expected.length);
    // The ids the specification defines (2.9): UUIDv5, in the SCO namespace, of the
    // canonical JSON of the ID Contributing Properties, written out here.
    const namespace = '00abedb4-aa42-466c-9c01-fed23315a9b7';
    expect(
      byId(objects, `mutex--${uuidv5('{"name":"Global\\\\LdrMtx_2026"}', namespace)}`),
    ).toBeDefined();
    expect(
      byId(objects, `autonomous-system--${uuidv5('{"number":64500}', namespace)}`),
    ).toBeDefined();
    expect(
      byId(objects, `mac-addr--${uuidv5('{"value":"00:1a:2b:3c:4d:5e"}', namespace)}`),
    ).toBeDefined();
    expect(byId(objects, `indicator--${uuid(50)}`)?.['pattern']).toBe(
      "[mutex:name = 'Global\\\\LdrMtx_2026']",
    );
    expect(byId(objects, `indicator--${uuid(52)}`)?.['pattern']).toBe(
      "[mac-addr:value = '00:1a:2b:3c:4d:5e']",
    );
    expect(byId(objects, `indicator--${uuid(54)}`)?.['pattern']).toBe(
      "[windows-registry-key:key = 'HKEY_USERS\\\\.DEFAULT\\\\Software\\\\Loader']",
    );
    for (const n of [51, 53]) expect(byId(objects, `indicator--${uuid(n)}`)).toBeUndefined();
    for (const n of [50, 51, 52, 53, 54, 55]) expect(problemOf(n), `${n}`).toEqual([]);
  });

  it('makes a vulnerability of a CVE written in lowercase', () => {
    expect(byId(objects, `vulnerability--${uuid(55)}`)).toMatchObject({
      type: 'vulnerability',
      spec_version: '2.1',
      name: 'CVE-2023-4966',
      external_references: [{ source_name: 'cve', external_id: 'CVE-2023-4966' }],
    });
    expect(problemOf(59)).toEqual([
      {
        ref: `Attribute ${uuid(59)} (type vulnerability)`,
        reason: '"Citrix Bleed" is not a CVE id like CVE-2024-3094',
      },
    ]);
  });

  it('keeps a registry key without its hive in the pattern only, and an AS out of range out', () => {
    expect(objects.some((o) => String(o['key']).startsWith('Software'))).toBe(false);
    expect(byId(objects, `indicator--${uuid(56)}`)?.['pattern']).toBe(
      "[windows-registry-key:key = 'Software\\\\Loader\\\\Config']",
    );
    expect(problemOf(56)).toEqual([]);
    expect(problemOf(57).map((p) => p.reason)).toEqual([
      '"Software\\Loader\\Other" names no hive (HKEY_LOCAL_MACHINE\\…), which a windows-registry-key observable must begin with, and to_ids is not set, so no indicator carries it; not imported',
    ]);
    expect(problemOf(58).map((p) => p.reason)).toEqual([
      '"AS4294967296" is not an autonomous system number like AS64500',
    ]);
    expect(problems).toHaveLength(3);
  });

  it('emits only objects valid against the OASIS schemas', () => {
    const types = new Set(objects.map((o) => String(o['type'])));
    for (const type of [
      'mutex',
      'autonomous-system',
      'mac-addr',
      'windows-registry-key',
      'vulnerability',
    ]) {
      expect(types.has(type), type).toBe(true);
    }
    for (const object of objects) {
      expect(object['spec_version'], object['id']).toBe('2.1');
      const parsed = parseAnyStixObject(object);
      expect(parsed.ok ? [] : parsed.errors, object['id']).toEqual([]);
      expect(validateStix(object), object['id']).toEqual([]);
    }
  });
});

describe('the forms of a MISP export', () => {
  const untagged = {
    uuid: 'd4e5f6a7-b8c9-4dab-8cde-f0a1b2c3d4e5',
    info: 'Scanning from a hosting provider',
    date: '2026-02-10',
    timestamp: '1770710400',
    publish_timestamp: '0',
    Orgc: { name: 'CERT-Example', uuid: ORG_UUID },
    Attribute: [attribute(30, 'ip-src', '192.0.2.44', { to_ids: true })],
  };

  it('reads every event of a {response: [...]} answer, untagged ones at the default level', () => {
    const { objects, problems } = convert(
      { response: [mispExport(), { Event: untagged }] },
      'green',
    );
    expect(problems.filter((p) => p.ref.includes(uuid(30)))).toEqual([]);
    const reports = objects.filter((o) => o['type'] === 'report');
    expect(reports.map((r) => String(r['id']))).toEqual([
      `report--${EVENT_UUID}`,
      'report--d4e5f6a7-b8c9-4dab-8cde-f0a1b2c3d4e5',
    ]);
    // Never published: its date.
    expect(reports[1]).toMatchObject({
      published: '2026-02-10T00:00:00.000Z',
      object_marking_refs: [GREEN],
    });
    expect(byId(objects, `indicator--${uuid(30)}`)?.['object_marking_refs']).toEqual([GREEN]);
    // The organisation of both events is one identity.
    expect(objects.filter((o) => o['type'] === 'identity')).toHaveLength(1);
  });

  it('reads a bare event the same as {Event}', () => {
    expect(mispEventToStix(untagged, 'amber')).toEqual(
      mispEventToStix({ Event: untagged }, 'amber'),
    );
    expect(isMispEvent(untagged)).toBe(true);
    expect(isMispEvent({ Event: untagged })).toBe(true);
    expect(isMispEvent({ response: [{ Event: untagged }] })).toBe(true);
  });

  it('makes no report of an event of which nothing maps, and says why', () => {
    const event = { ...untagged, Attribute: [attribute(31, 'comment', 'seen twice')] };
    const { objects, problems } = convert({ Event: event }, 'green');
    expect(objects).toEqual([]);
    expect(problems.map((p) => p.reason)).toEqual([
      'free text has no STIX observable; not imported',
      'nothing in the event could be mapped to STIX; no report was made',
    ]);
  });

  it('refuses what is no MISP export with a clear message', () => {
    for (const garbage of [
      42,
      'Event',
      null,
      [],
      { type: 'bundle', objects: [] },
      { Event: 'x' },
    ]) {
      expect(isMispEvent(garbage)).toBe(false);
      expect(() => mispEventToStix(garbage, 'green')).toThrow(/^Not a MISP event: /);
    }
    expect(() => mispEventToStix({ response: [] }, 'green')).toThrow(
      'The MISP export holds no event: "response" is an empty list',
    );
  });
});
