import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOW_LIST } from './allow-list.js';
import { extractIndicators, isDomainName } from './indicators.js';
import { refang } from './refang.js';

const values = (text: string) =>
  extractIndicators(text).indicators.map((i) => `${i.type} ${i.value}`);

describe('refang', () => {
  it.each([
    ['hxxp://evil[.]com', 'http://evil.com'],
    ['hXXps[:]//a(.)b{.}c', 'https://a.b.c'],
    ['fxp://x[dot]org', 'ftp://x.org'],
    ['bad[@]mail[.]ru', 'bad@mail.ru'],
    ['bad [at] mail [dot] ru', 'bad@mail.ru'],
    ['bad(at)mail(dot)ru', 'bad@mail.ru'],
    ['evil【.】cn', 'evil.cn'],
    ['evil[。]cn', 'evil.cn'],
    ['evil．cn', 'evil.cn'],
    ['evil\\.com', 'evil.com'],
    ['hxxp[://]x.org', 'http://x.org'],
    ['meet me (at) noon', 'meet me (at) noon'],
    ['Austria (AT).', 'Austria (AT).'],
  ])('%s → %s', (input, output) => {
    expect(refang(input).text).toBe(output);
  });

  it('maps every character back to the original', () => {
    const r = refang('x evil[.]com y');
    const at = r.text.indexOf('evil.com');
    expect([r.startOf[at], r.endOf[at + 'evil.com'.length - 1]]).toEqual([2, 12]);
  });
});

describe('extractIndicators', () => {
  it.each<[string, string[]]>([
    ['The dropper update.exe reads config.json and report.pdf.', []],
    ['Guccifer 2.0 posted v1.2.3 and version 10.0.19041.1 and version 1.2.3.4', []],
    ['setup.zip, readme.md, run.sh, libc.so and script.py are files', []],
    ['but login-secure[.]zip was defanged', ['domain login-secure.zip']],
    ['Resolves 185.220.101[.]45 and 10.1.2.3.', ['ipv4 185.220.101.45', 'ipv4 10.1.2.3']],
    ['Not IPs: 256.1.1.1, 1.2.3.4.5, 01.2.3.4', []],
    ['IPv6 2001:DB8::FF00:42:8329 at 12:30:45', ['ipv6 2001:db8::ff00:42:8329']],
    ['mail Evil[@]Example[.]COM now', ['email evil@example.com']],
    ['url hxxps[:]//Evil-CDN[.]top/Gate.php?id=7).', ['url https://evil-cdn.top/Gate.php?id=7']],
    ['(see http://a.example.net/x_(1))', ['url http://a.example.net/x_(1)']],
    ['cve–2015–1234 and CVE-2021-44228', ['cve CVE-2015-1234', 'cve CVE-2021-44228']],
    ['md5 D41D8CD98F00B204E9800998ECF8427E', ['md5 d41d8cd98f00b204e9800998ecf8427e']],
    [
      'sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709',
      ['sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ],
    [
      'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ['sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ],
    ['longer run d41d8cd98f00b204e9800998ecf8427e00 holds no md5', []],
    ['prefixed xd41d8cd98f00b204e9800998ecf8427e holds no md5', []],
    [
      '攻击者使用update-check[。]net和mail．qq．com。',
      ['domain update-check.net', 'domain mail.qq.com'],
    ],
    [
      '恶意IP为45.77.12.9，哈希值d41d8cd98f00b204e9800998ecf8427e。',
      ['ipv4 45.77.12.9', 'md5 d41d8cd98f00b204e9800998ecf8427e'],
    ],
    ['U.S. officials, e.g. Mr. Smith, i.e. node.js', []],
    ['See section 3.2.1.4, 第1.2.3.4条, Python 3.11.4 and invoice.pdf.exe', []],
    [
      'MAC 00:1a:2b:3c:4d:5e, uuid 123e4567-e89b-12d3-a456-426614174000, 0xd41d8cd98f00b204e9800998ecf8427e',
      [],
    ],
    [
      'mapped ::FFFF:192.0.2.1 and 2001:0db8:0000:0000:0000:0000:0000:0001',
      ['ipv6 ::ffff:192.0.2.1', 'ipv6 2001:db8::1'],
    ],
  ])('%s', (text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it('keeps the original text and its span, for highlighting', () => {
    const text = '访问 hxxp://bad[.]cn/a 后';
    const [url] = extractIndicators(text).indicators;
    expect(url).toMatchObject({
      type: 'url',
      value: 'http://bad.cn/a',
      original: 'hxxp://bad[.]cn/a',
      defanged: true,
    });
    expect(text.slice(url!.start, url!.end)).toBe(url!.original);
  });

  it('extracts 8.8.8.8, and the allow-list drops it visibly with its reason', () => {
    expect(values('it resolves 8.8.8.8')).toEqual(['ipv4 8.8.8.8']);
    const r = extractIndicators('it resolves 8.8.8.8 and cdn.example.com', {
      allowList: DEFAULT_ALLOW_LIST,
    });
    expect(r.indicators).toEqual([]);
    expect(r.dropped.map((d) => [d.value, d.reason])).toEqual([
      ['8.8.8.8', 'Google Public DNS resolver, contacted by most hosts'],
      ['cdn.example.com', 'Reserved for documentation (RFC 2606)'],
    ]);
  });

  it('checks domains against the bundled public suffix list', () => {
    expect(isDomainName('bom.gov.au')).toBe(true);
    expect(isDomainName('update.exe')).toBe(false);
    expect(isDomainName('foo.notatld')).toBe(false);
  });
});
