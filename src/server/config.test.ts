import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from './config.js';

const VALID = {
  node: { id: 'us-doj', name: 'US DOJ', country: 'US', timeZone: 'America/New_York' },
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('fills defaults and freezes the result', () => {
    const config = parseConfig(VALID, '/var/lib/liaison');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.store).toEqual({ driver: 'sqlite', file: '/var/lib/liaison/liaison.db' });
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('names the key and what is expected when a value has the wrong type', () => {
    const problems = problemsOf(() => parseConfig({ ...VALID, http: { port: 'eighty' } }, '/d'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^http\.port: .*number.*got "eighty"/);
  });

  it('names missing keys, unknown keys and bad values', () => {
    const problems = problemsOf(() =>
      parseConfig(
        { node: { id: 'US DOJ', country: 'USA', timeZone: 'Nowhere' }, colour: 'blue' },
        '/d',
      ),
    );
    expect(problems.join('\n')).toMatch(/node\.id: a lowercase slug/);
    expect(problems.join('\n')).toMatch(/node\.name: .*got nothing/);
    expect(problems.join('\n')).toMatch(/node\.country: a two-letter country code/);
    expect(problems.join('\n')).toMatch(/node\.timeZone: an IANA time zone/);
    expect(problems.join('\n')).toMatch(/colour/);
  });

  it('applies environment overrides, and names a bad one', () => {
    const config = parseConfig(VALID, '/d', {
      LIAISON_HTTP_PORT: '9090',
      LIAISON_DATABASE_URL: 'postgres://liaison@db.internal/liaison',
    });
    expect(config.http.port).toBe(9090);
    expect(config.store).toMatchObject({
      driver: 'postgres',
      url: 'postgres://liaison@db.internal/liaison',
    });
    const problems = problemsOf(() => parseConfig(VALID, '/d', { LIAISON_HTTP_PORT: 'abc' }));
    expect(problems[0]).toMatch(/LIAISON_HTTP_PORT \(http\.port\): expected an integer/);
  });

  it('reports a missing file and broken YAML readably', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'liaison-config-'));
    expect(() => loadConfig(dir, {})).toThrow(/does not exist.*liaison init/);
    writeFileSync(path.join(dir, 'config.yaml'), 'node: [unclosed\n');
    expect(() => loadConfig(dir, {})).toThrow(/not valid YAML/);
  });
});
