import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateStix } from '../../../test/harness/stix-schemas.js';
import { deterministicScoId } from './ids.js';
import { isDomainName, isEmailAddress, isHex, isIpv4, isIpv6, isUri } from './formats.js';
import { parseStixObject } from './schemas.js';

describe('observable values', () => {
  it('IPv4 addresses and CIDR blocks', () => {
    for (const good of ['198.51.100.3', '0.0.0.0', '255.255.255.255', '10.0.0.0/8', '1.2.3.4/32']) {
      expect(isIpv4(good), good).toBe(true);
    }
    for (const bad of [
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4/33',
      '1.2.3.4 ',
      ' 1.2.3.4',
      '::1',
    ]) {
      expect(isIpv4(bad), bad).toBe(false);
    }
  });

  it('IPv6 addresses and CIDR blocks, in hexadecimal groups', () => {
    for (const good of [
      '2001:db8::1',
      '::',
      '::1',
      '1::',
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      '2001:db8::/32',
      '1:2:3:4:5:6:7::',
      '::ffff:c000:201',
    ]) {
      expect(isIpv6(good), good).toBe(true);
    }
    for (const bad of [
      '2001:db8:::1',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '12345::1',
      '2001:db8::/129',
      '::ffff:192.0.2.1', // valid IPv6, but the OASIS pattern rejects the dotted tail
      'fe80::1%eth0',
      'g::1',
    ]) {
      expect(isIpv6(bad), bad).toBe(false);
    }
  });

  it('domain names, internationalised ones too', () => {
    for (const good of [
      'example.com',
      'a.b-c.example.org',
      'localhost',
      '例子.中国',
      'bücher.de',
      'XN--fsqu00a.xn--fiqs8s',
    ]) {
      expect(isDomainName(good), good).toBe(true);
    }
    for (const bad of [
      '',
      'example.com.',
      '.example.com',
      'ex ample.com',
      'example..com',
      '-example.com',
      'under_score.com',
      '198.51.100.3',
      'example.com/path',
      'user@example.com',
      `${'a'.repeat(64)}.com`,
    ]) {
      expect(isDomainName(bad), bad).toBe(false);
    }
  });

  it('e-mail addresses', () => {
    for (const good of ['jdoe@example.com', "o'brien+tag@mail.example.co.uk", 'a.b@c.de']) {
      expect(isEmailAddress(good), good).toBe(true);
    }
    for (const bad of [
      'jdoe',
      'jdoe@localhost',
      '@example.com',
      'a..b@example.com',
      'a b@example.com',
      '张三@例子.中国',
    ]) {
      expect(isEmailAddress(bad), bad).toBe(false);
    }
  });

  it('URLs', () => {
    for (const good of [
      'https://example.com/research/index.html',
      'http://198.51.100.3:8080/a?b=c#d',
      'http://[2001:db8::1]/x',
      'ftp://user:pass@ftp.example.com/file.txt',
      'https://example.com/%E4%BE%8B',
      'urn:isbn:0451450523',
    ]) {
      expect(isUri(good), good).toBe(true);
    }
    for (const bad of [
      'example.com/path',
      'https://exa mple.com/',
      'https://example.com/例',
      'https://example.com/a[b]',
      'https://example.com/%zz',
      'http://host:port/',
      'http://[fe80::1%25eth0]/',
      'mailto:',
      'https://example.com/#a#b',
    ]) {
      expect(isUri(bad), bad).toBe(false);
    }
  });

  it('hex', () => {
    expect(isHex('014c')).toBe(true);
    expect(isHex('014')).toBe(false);
    expect(isHex('')).toBe(false);
  });
});

/**
 * The promise of the schemas: whatever value we accept, the OASIS schema accepts too. Checked
 * on generated values, the well-formed kinds and arbitrary strings alike.
 */
describe('every value we accept validates against the OASIS schema', () => {
  const cases: [string, (value: string) => boolean, fc.Arbitrary<string>][] = [
    [
      'ipv4-addr',
      isIpv4,
      fc.oneof(
        fc.ipV4(),
        fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([ip, n]) => `${ip}/${n}`),
        fc.string(),
      ),
    ],
    [
      'ipv6-addr',
      isIpv6,
      fc.oneof(
        fc.ipV6(),
        fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 130 })).map(([ip, n]) => `${ip}/${n}`),
        fc.stringMatching(/^[0-9a-f:.]{0,40}$/),
      ),
    ],
    [
      'domain-name',
      isDomainName,
      fc.oneof(fc.domain(), fc.stringMatching(/^[a-z0-9.\-_例子中国ü]{1,30}$/), fc.string()),
    ],
    [
      'url',
      isUri,
      fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string()),
    ],
    [
      'email-addr',
      isEmailAddress,
      fc.oneof(fc.emailAddress(), fc.stringMatching(/^[a-z0-9.+'@-]{1,30}$/), fc.string()),
    ],
  ];

  it.each(cases)('%s', (type, accepts, values) => {
    let accepted = 0;
    fc.assert(
      fc.property(values, (value) => {
        if (!accepts(value)) return;
        accepted++;
        const object = { type, spec_version: '2.1', value };
        const withId = { ...object, id: deterministicScoId(object) };
        expect(validateStix(withId), JSON.stringify(value)).toEqual([]);
        expect(parseStixObject(withId).ok).toBe(true);
      }),
      { numRuns: 400 },
    );
    // The property is only worth something if it saw values we accept.
    expect(accepted).toBeGreaterThan(50);
  });
});
