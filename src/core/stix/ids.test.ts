import { describe, expect, it } from 'vitest';
import { validateStix } from '../../../test/harness/stix-schemas.js';
import {
  deterministicScoId,
  identityIdOf,
  idContributingPart,
  isStixId,
  newStixId,
  nodeIdentity,
  stixIdFor,
  typeOfId,
} from './ids.js';
import { parseStixObject } from './schemas.js';

describe('identifiers', () => {
  it('newStixId makes type--UUIDv4', () => {
    const id = newStixId('indicator');
    expect(id).toMatch(
      /^indicator--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(newStixId('indicator')).not.toBe(id);
    expect(() => newStixId('Not A Type')).toThrow(/not a STIX type/);
  });

  it('isStixId checks the form and, when asked, the type', () => {
    const id = 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b';
    expect(isStixId(id)).toBe(true);
    expect(isStixId(id, 'malware')).toBe(true);
    expect(isStixId(id, 'indicator')).toBe(false);
    expect(typeOfId(id)).toBe('malware');
    for (const bad of [
      'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891',
      'malware-31b940d4-6f7f-459a-80ea-9c1f17b5891b',
      'malware--31b940d4-6f7f-059a-80ea-9c1f17b5891b', // version 0
      'malware--31b940d4-6f7f-459a-70ea-9c1f17b5891b', // not the RFC 4122 variant
      'Malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b',
      'ab--31b940d4-6f7f-459a-80ea-9c1f17b5891b',
      'x--y',
      42,
    ]) {
      expect(isStixId(bad), String(bad)).toBe(false);
    }
  });
});

describe('deterministic ids of cyber-observables (STIX 2.1, 2.9 and 6.x)', () => {
  // Ids printed in the STIX 2.1 specification (Errata 01) examples, and in the OASIS python
  // library's tests, each checked against what python's uuid5 computes over the same JSON.
  it.each([
    ['ipv4-addr', { value: '198.51.100.3' }, 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4'],
    ['ipv4-addr', { value: '198.51.100.2' }, 'ipv4-addr--9cf4a8ec-7640-5f40-a006-79942896168b'],
    ['ipv4-addr', { value: '198.51.100.0/24' }, 'ipv4-addr--1ea47840-aa39-5aa8-b4a2-cd203eb6662a'],
    [
      'ipv6-addr',
      { value: '2001:0db8:85a3:0000:0000:8a2e:0370:7334' },
      'ipv6-addr--85a85a8c-ee99-5722-946d-3c3a3270fc6f',
    ],
    ['ipv6-addr', { value: '2001:0db8::/96' }, 'ipv6-addr--084d3b4c-7785-568a-a569-0c61c95754ab'],
    ['domain-name', { value: 'example.com' }, 'domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7'],
    [
      'url',
      { value: 'https://example.com/research/index.html' },
      'url--47c3cf9a-5027-5bf0-997a-017c7edc7c55',
    ],
    [
      'email-addr',
      { value: 'jdoe@example.com', display_name: 'John Doe' },
      'email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171',
    ],
    [
      'file',
      {
        hashes: { 'SHA-256': 'ceafbfd424be2ca4a5f0402cae090dda2fb0526cf521b60b60077c0f622b285a' },
      },
      'file--70221dbf-52fd-5377-9619-c0ce6b3ffc8c',
    ],
    [
      'file',
      {
        hashes: { 'SHA-256': 'fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db' },
        size: 25536,
        name: 'foo.dll',
      },
      'file--949eb97a-da1e-5292-8959-03c4249dc9f3',
    ],
    [
      // A non-ASCII name: the canonical JSON keeps it as UTF-8, unescaped.
      'file',
      {
        hashes: { 'SHA-256': '841a8921140aba50671ebb0770fecc4ee308c4952cfeff8de154ab14eeef4649' },
        name: 'quêry.dll',
        name_enc: 'windows-1252',
      },
      'file--7d1e3a18-89e7-5bc5-be36-9879f5b7f5c8',
    ],
    [
      // python-stix2 test_id_gen_recursive_dict_conversion_1: extensions contribute, floats
      // and integers serialise as RFC 8785 says.
      'file',
      {
        name: 'example.exe',
        size: 68000,
        magic_number_hex: '50000000',
        hashes: { 'SHA-256': '841a8921140aba50671ebb0770fecc4ee308c4952cfeff8de154ab14eeef4649' },
        extensions: {
          'windows-pebinary-ext': {
            pe_type: 'exe',
            machine_hex: '014c',
            sections: [
              {
                name: '.data',
                size: 4096,
                entropy: 7.980693,
                hashes: {
                  'SHA-256': '6e3b6f3978e5cd96ba7abee35c24e867b7e64072e2ecb22d0ee7a6e6af6894d0',
                },
              },
            ],
          },
        },
      },
      'file--ced31cd4-bdcb-537d-aefa-92d291bfc11d',
    ],
  ])('%s %j is %s', (type, properties, expected) => {
    const object = { type, spec_version: '2.1', ...properties };
    expect(deterministicScoId(object)).toBe(expected);
    // And the object with that id is valid, for OASIS and for us.
    const withId = { ...object, id: expected };
    expect(validateStix(withId)).toEqual([]);
    expect(parseStixObject(withId)).toMatchObject({ ok: true });
  });

  it('uses one hash for a file, preferring MD5, then SHA-1, SHA-256, SHA-512', () => {
    const md5 = '4d186321c1a7f0f354b297e8914ab240';
    const sha1 = 'a9993e364706816aba3e25717850c26c9cd0d89d';
    const sha256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(
      idContributingPart({ type: 'file', hashes: { 'SHA-256': sha256, MD5: md5, 'SHA-1': sha1 } }),
    ).toEqual({ hashes: { MD5: md5 } });
    expect(
      idContributingPart({ type: 'file', hashes: { 'SHA-256': sha256, 'SHA-1': sha1 } }),
    ).toEqual({ hashes: { 'SHA-1': sha1 } });
    // The same file described with more hashes, or with them in another order, has one id.
    expect(deterministicScoId({ type: 'file', hashes: { MD5: md5 } })).toBe(
      deterministicScoId({ type: 'file', hashes: { 'SHA-256': sha256, MD5: md5 } }),
    );
    // Without any preferred algorithm, the first hash given.
    expect(idContributingPart({ type: 'file', hashes: { SSDEEP: '3:a:b', TLSH: 'x' } })).toEqual({
      hashes: { SSDEEP: '3:a:b' },
    });
  });

  it('only the ID contributing properties count', () => {
    const base = { type: 'email-addr', value: 'analyst@example.com' };
    expect(deterministicScoId({ ...base, display_name: 'A' })).toBe(
      deterministicScoId({ ...base, display_name: 'B', x_liaison_note: 'n' }),
    );
    expect(deterministicScoId(base)).not.toBe(
      deterministicScoId({ type: 'email-addr', value: 'other@example.com' }),
    );
    // The type is not part of the name (2.9, as the python library does): the same value
    // under two types gives the same UUID, told apart by the type prefix only.
    expect(deterministicScoId({ type: 'url', value: 'x' })?.slice('url--'.length)).toBe(
      deterministicScoId({ type: 'domain-name', value: 'x' })?.slice('domain-name--'.length),
    );
  });

  it('falls back to a random id when there is nothing to derive it from', () => {
    expect(deterministicScoId({ type: 'indicator', name: 'x' })).toBeNull();
    expect(deterministicScoId({ type: 'process', pid: 4 })).toBeNull();
    expect(deterministicScoId({ type: 'file', size: 3 })).toBeNull();
    expect(stixIdFor({ type: 'file', size: 3 })).toMatch(/^file--[0-9a-f-]{14}4/);
    expect(stixIdFor({ type: 'ipv4-addr', value: '198.51.100.3' })).toBe(
      'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4',
    );
  });
});

describe('node identities', () => {
  it('are organisations with an id derived from the node id alone', () => {
    const identity = nodeIdentity('us-doj', 'U.S. Department of Justice');
    expect(identity).toMatchObject({
      type: 'identity',
      spec_version: '2.1',
      identity_class: 'organization',
      name: 'U.S. Department of Justice',
      created_by_ref: identity.id,
      x_liaison_node_id: 'us-doj',
    });
    expect(identity.id).toBe(identityIdOf('us-doj'));
    expect(identity.id).toMatch(/^identity--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab]/);
    expect(nodeIdentity('us-doj', 'another name').id).toBe(identity.id);
    expect(identityIdOf('cn-mps')).not.toBe(identity.id);
    expect(identity.created).toBe(identity.modified);
  });

  it('validate against the OASIS identity schema and ours', () => {
    const identity = nodeIdentity('cn-mps', '公安部');
    expect(validateStix(identity)).toEqual([]);
    expect(parseStixObject(identity)).toEqual({ ok: true, object: identity });
    const renamed = nodeIdentity(
      'cn-mps',
      'Ministry of Public Security',
      '2026-12-01T08:00:00.000Z',
    );
    expect(renamed.id).toBe(identity.id);
    expect(validateStix(renamed)).toEqual([]);
  });
});
