import { describe, expect, it } from 'vitest';
import { extractClaims } from './claims.js';
import { extractEntities } from './entities.js';

const claims = (text: string) =>
  extractClaims(text, extractEntities(text)).map((c) => ({
    source: c.source.id ?? c.source.text,
    actor: c.actor?.id ?? null,
    target: c.target?.id ?? null,
    stance: c.stance,
  }));

describe('extractClaims', () => {
  it.each<[string, object[]]>([
    [
      'Xinhua said the OPM breach was a criminal case, not state-sponsored.',
      [{ source: 'org:cn-xinhua', actor: null, target: 'org:us-opm', stance: 'asserts' }],
    ],
    [
      "China's foreign ministry denied the accusation, calling it unfounded.",
      [{ source: 'org:cn-mfa', actor: 'country:cn', target: null, stance: 'denies' }],
    ],
    [
      'The ABC reported that officials blamed China for the attack on the Bureau of Meteorology.',
      [{ source: 'officials', actor: 'country:cn', target: 'org:au-bom', stance: 'asserts' }],
    ],
    [
      'The Bureau of Meteorology was hacked last year. A spokesman for the Bureau of Meteorology declined to comment.',
      [{ source: 'org:au-bom', actor: null, target: null, stance: 'declines_to_comment' }],
    ],
    [
      'U.S. officials said Chinese hackers were behind the breach of the Office of Personnel Management.',
      [{ source: 'country:us', actor: 'country:cn', target: 'org:us-opm', stance: 'asserts' }],
    ],
    [
      '新华社称，美国人事管理局数据泄露是一起刑事案件，而非国家支持的攻击。',
      [{ source: 'org:cn-xinhua', actor: null, target: 'org:us-opm', stance: 'asserts' }],
    ],
    [
      '中国外交部发言人洪磊否认了这一指控，称其毫无根据。',
      [{ source: 'org:cn-mfa', actor: 'country:cn', target: null, stance: 'denies' }],
    ],
    [
      '据澳大利亚广播公司报道，官员指责中国对澳大利亚气象局发动了攻击。',
      [{ source: '官员', actor: 'country:cn', target: 'org:au-bom', stance: 'asserts' }],
    ],
  ])('%s', (text, expected) => {
    expect(claims(text)).toEqual(expected);
  });

  it.each([
    'Officials met in Washington on December 1, 2015 to discuss cybercrime.',
    'The two sides said they would hold the next dialogue in Beijing in 2016.',
    '数据显示，双方在北京举行了第二次对话。',
    'The White House declined to comment on the schedule of the visit.',
    'Researchers said the malware uses DNS tunnelling to reach its server.',
  ])('invents no claim in: %s', (text) => {
    expect(claims(text)).toEqual([]);
  });

  it('names the relaying outlet as via', () => {
    const text =
      'The ABC reported that officials blamed China for the attack on the Bureau of Meteorology.';
    expect(extractClaims(text, extractEntities(text))[0]!.via).toEqual({
      id: 'org:au-abc',
      text: 'ABC',
    });
  });
});
