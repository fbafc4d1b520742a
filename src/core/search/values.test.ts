import { describe, expect, it } from 'vitest';
import { indexText, parseQuery, segmentCjk } from './text.js';
import { extractValues, normalizeValue, refang } from './values.js';

describe('values in free text', () => {
  it('finds what an analyst writes in a report, defanged or not, written one way', () => {
    const report = [
      'On 2026-11-20 the actor staged the kit on hxxps://login-portal[.]example[.]com/owa/auth.',
      'Beacons went to 203[.]0.113.7 and 198.51.100.23:8443, and over IPv6 to 2001:0DB8:0000::0001.',
      'The phishing mails came from billing[at]example(.)cn and Ops.Team@Mail.Example.org.',
      'Dropper MD5 44D88612FEA8A8F36DE82E1278ABB02F, SHA1 3395856ce81f2b7382dee72602f798b642f14140,',
      'SHA256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f; it exploits',
      'CVE-2024-3400 (see fxp://files.example.net/x and evil.example.com.). Network 192.0.2.0/24.',
    ].join('\n');
    expect(extractValues(report)).toEqual([
      'https://login-portal.example.com/owa/auth',
      'login-portal.example.com',
      '203.0.113.7',
      '198.51.100.23',
      '2001:db8::1',
      'billing@example.cn',
      'example.cn',
      'ops.team@mail.example.org',
      'mail.example.org',
      '44d88612fea8a8f36de82e1278abb02f',
      '3395856ce81f2b7382dee72602f798b642f14140',
      '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
      'cve-2024-3400',
      'ftp://files.example.net/x',
      'files.example.net',
      'evil.example.com',
      '192.0.2.0/24',
    ]);
  });

  it('leaves alone what only looks like a value', () => {
    const text = [
      'Version 1.2.3.4.5 of node.js wrote report.pdf at 10:30:45; MAC 00:1a:2b:3c:4d:5e.',
      'Ticket 123456789012345678901234567890123 (33 digits), address 300.1.2.3, e.g. i.e.',
      'A sha512 of 128 digits is no sha256: ' + 'ab'.repeat(64) + '.',
    ].join(' ');
    expect(extractValues(text)).toEqual([]);
  });

  it('refangs the usual forms', () => {
    expect(refang('hxxp[:]//a[.]example[dot]com/x and b(at)example{.}org and c[@]d[.]cn')).toBe(
      'http://a.example.com/x and b@example.org and c@d.cn',
    );
    expect(refang('hXXps[://]evil(dot)example.com')).toBe('https://evil.example.com');
  });

  it('writes a value one way, whatever way it came', () => {
    expect(normalizeValue('  2001:0DB8::0001 ')).toBe('2001:db8::1');
    expect(normalizeValue('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeValue('HTTP://Evil.Example.com/')).toBe('http://evil.example.com');
    expect(normalizeValue('http://evil.example.com/Path/')).toBe('http://evil.example.com/path/');
    expect(normalizeValue('Invoice.PDF')).toBe('invoice.pdf');
  });
});

describe('queries', () => {
  it('splits the values of a question from its words', () => {
    expect(parseQuery('have we seen 203.0.113.7?')).toEqual({
      values: ['203.0.113.7'],
      words: ['have', 'we', 'seen'],
    });
    expect(parseQuery('beacon to evil[.]example[.]com')).toEqual({
      values: ['evil.example.com'],
      words: ['beacon', 'to'],
    });
  });

  it('keeps a single token as a value too (a file name, a mutex) and as a word', () => {
    expect(parseQuery('Invoice.PDF')).toEqual({ values: ['invoice.pdf'], words: ['Invoice.PDF'] });
  });

  it('drops words without a letter or digit, so operators are never operators', () => {
    expect(parseQuery('"kit" * AND ( - ) NEAR(a b) -panel').words).toEqual([
      '"kit"',
      'AND',
      'NEAR(a',
      'b)',
      '-panel',
    ]);
  });

  it('spaces out Chinese characters, in the index and in the query', () => {
    expect(segmentCjk('数据泄露事件')).toBe(' 数  据  泄  露  事  件 ');
    expect(indexText('泄露到 evil[.]example.com, café')).toBe('泄 露 到 evil example com cafe');
    expect(parseQuery('数据泄露').words).toEqual(['数据泄露']);
  });
});
