import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Tree = { [key: string]: string | Tree };

const web = new URL('../', import.meta.url);

/** Every file under web/, as a path relative to it. */
function walk(dir = ''): string[] {
  return readdirSync(new URL(dir, web), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(`${dir}${entry.name}/`) : [`${dir}${entry.name}`],
  );
}

const files = walk();
const read = (path: string) => readFileSync(new URL(path, web), 'utf8');

/** The app's strings and each feature's: web/app/i18n and web/features/<name>/i18n. */
const bundles = files
  .filter((path) => /(^app|^ui|^features\/[\w-]+)\/i18n\/en\.json$/.test(path))
  .map((path) => {
    const dir = path.replace(/en\.json$/, '');
    return {
      dir,
      en: JSON.parse(read(path)) as Tree,
      'zh-CN': JSON.parse(read(`${dir}zh-CN.json`)) as Tree,
    };
  });

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

const merged = {
  en: new Map(bundles.flatMap((b) => [...leaves(b.en)])),
  'zh-CN': new Map(bundles.flatMap((b) => [...leaves(b['zh-CN'])])),
};

describe('translations', () => {
  it('come from the app and from every feature', () => {
    expect(bundles.map((b) => b.dir)).toContain('app/i18n/');
    expect(bundles.length).toBeGreaterThan(10);
    expect(merged.en.size).toBeGreaterThan(50);
  });

  for (const bundle of bundles) {
    describe(bundle.dir, () => {
      const en = leaves(bundle.en);
      const zh = leaves(bundle['zh-CN']);

      it('have exactly the same keys in English and Simplified Chinese', () => {
        expect([...zh.keys()].filter((k) => !en.has(k))).toEqual([]);
        expect([...en.keys()].filter((k) => !zh.has(k))).toEqual([]);
      });

      it('have no empty or non-string value', () => {
        for (const entries of [en, zh]) {
          const bad = [...entries].filter(([, v]) => typeof v !== 'string' || v.trim() === '');
          expect(bad.map(([k]) => k)).toEqual([]);
        }
      });

      it('use the same {{placeholders}} in both languages', () => {
        const mismatched: string[] = [];
        for (const [key, value] of en) {
          const other = zh.get(key);
          if (typeof value !== 'string' || typeof other !== 'string') continue;
          const a = placeholders(value).join(',');
          const b = placeholders(other).join(',');
          if (a !== b) mismatched.push(`${key}: en {${a}} zh-CN {${b}}`);
        }
        expect(mismatched).toEqual([]);
      });
    });
  }

  it('define each top-level key in one place only', () => {
    const owners = new Map<string, string[]>();
    for (const bundle of bundles) {
      for (const key of Object.keys(bundle.en))
        owners.set(key, [...(owners.get(key) ?? []), bundle.dir]);
    }
    expect([...owners].filter(([, dirs]) => dirs.length > 1)).toEqual([]);
  });

  it('have every key the code names literally, in both languages', () => {
    const used = new Set<string>();
    for (const path of files.filter((p) => /\.tsx?$/.test(p) && !p.endsWith('.test.ts'))) {
      const source = read(path);
      for (const m of source.matchAll(/\bt\(\s*'([\w.-]+)'/g)) used.add(m[1] ?? '');
      for (const m of source.matchAll(/\bi18nKey="([\w.-]+)"/g)) used.add(m[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(100);
    // A key with a count may exist only as its plural forms (key_one, key_other …).
    const has = (strings: Map<string, unknown>, key: string) =>
      strings.has(key) || strings.has(`${key}_other`);
    const missing = [...used].filter((key) => !has(merged.en, key) || !has(merged['zh-CN'], key));
    expect(missing).toEqual([]);
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
      expect(merged['zh-CN'].get(key), key).toMatch(han);
    }
  });

  it('finds placeholders the way i18next writes them', () => {
    expect(placeholders('Try again in {{seconds}} s, {{ name }}')).toEqual(['name', 'seconds']);
    expect(placeholders('no placeholder')).toEqual([]);
  });
});
