import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';

type Tree = { [key: string]: string | Tree };

/** Every leaf of a resource file, as 'a.b.c' → value. */
function leaves(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of leaves(value, path)) out.set(k, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([^}\s,]+)[^}]*\}\}/g)].map((m) => m[1] ?? '').sort();
}

const languages = { en: leaves(en), 'zh-CN': leaves(zhCN) };

describe('translations', () => {
  it('have exactly the same keys in English and Simplified Chinese', () => {
    const enKeys = [...languages.en.keys()].sort();
    const zhKeys = [...languages['zh-CN'].keys()].sort();
    expect(zhKeys.filter((k) => !languages.en.has(k))).toEqual([]);
    expect(enKeys.filter((k) => !languages['zh-CN'].has(k))).toEqual([]);
    expect(enKeys.length).toBeGreaterThan(50);
  });

  for (const [language, entries] of Object.entries(languages)) {
    it(`has no empty or non-string value in ${language}`, () => {
      const bad = [...entries].filter(([, v]) => typeof v !== 'string' || v.trim() === '');
      expect(bad.map(([k]) => k)).toEqual([]);
    });
  }

  it('use the same {{placeholders}} in both languages', () => {
    const mismatched: string[] = [];
    for (const [key, value] of languages.en) {
      const other = languages['zh-CN'].get(key);
      if (typeof value !== 'string' || typeof other !== 'string') continue;
      const a = placeholders(value).join(',');
      const b = placeholders(other).join(',');
      if (a !== b) mismatched.push(`${key}: en {${a}} zh-CN {${b}}`);
    }
    expect(mismatched).toEqual([]);
  });

  it('are really translated: the Chinese navigation is in Chinese', () => {
    const han = /\p{Script=Han}/u;
    for (const key of [
      'nav.home',
      'nav.contacts',
      'nav.requests',
      'nav.hotline',
      'nav.cases',
      'nav.exercises',
      'nav.dialogues',
      'login.submit',
      'userMenu.logout',
    ]) {
      expect(languages['zh-CN'].get(key), key).toMatch(han);
    }
  });

  it('finds placeholders the way i18next writes them', () => {
    expect(placeholders('Try again in {{seconds}} s, {{ name }}')).toEqual(['name', 'seconds']);
    expect(placeholders('no placeholder')).toEqual([]);
  });
});
