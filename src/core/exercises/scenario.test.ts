import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectedActionsOf, injectChecks, withoutExpectations, type Inject } from './scenario.js';
import { describeProblems, parseScenarioYaml } from './scenario-yaml.js';

const dir = new URL('../../../scenarios/', import.meta.url);
const bundled = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');

/** A small valid scenario; tests break one line of it. */
const SMALL = `format: liaison-scenario/1
id: small
version: 1
title: { en: Small, zh-CN: 小 }
summary: { en: A small one, zh-CN: 小型 }
sides:
  A: { description: { en: First, zh-CN: 甲 } }
  B: { description: { en: Second, zh-CN: 乙 } }
duration: '01:00'
objectives:
  - id: answer
    text: { en: Answer calls, zh-CN: 接听 }
    capabilities: [operational-communications]
injects:
  - id: call-1
    at: T+00:10
    from: A
    to: { side: B }
    channel: call
    priority: urgent
    title: { en: A call, zh-CN: 呼叫 }
    body: { en: Please answer, zh-CN: 请接听 }
    expect:
      - id: ack-1
        side: B
        action: acknowledge_call
        objective: answer
        within: '00:10'
        text: { en: Acknowledge, zh-CN: 确认 }
`;

function problemsOf(text: string) {
  const result = parseScenarioYaml(text);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('the bundled scenarios', () => {
  it('are at least the two the issue asks for', () => {
    expect(bundled).toEqual(
      expect.arrayContaining(['personnel-breach.yaml', 'utility-ransomware.yaml']),
    );
  });

  it.each(bundled)('%s reads without a problem, with both sides expected to act', (name) => {
    const result = parseScenarioYaml(read(name));
    if (!result.ok) throw new Error(describeProblems(result.problems));
    const { scenario } = result;
    expect(scenario.id).toBe(name.replace(/\.yaml$/, ''));
    expect(expectedActionsOf(scenario, 'A').length).toBeGreaterThan(0);
    expect(expectedActionsOf(scenario, 'B').length).toBeGreaterThan(0);
    // What the other side may see of it holds no expected action.
    expect(
      withoutExpectations(scenario).injects.every((inject) => inject.expect.length === 0),
    ).toBe(true);
  });

  it('cover every channel between them', () => {
    const channels = new Set(
      bundled.flatMap((name) => {
        const result = parseScenarioYaml(read(name));
        return result.ok ? result.scenario.injects.map((inject) => inject.channel) : [];
      }),
    );
    expect([...channels].sort()).toEqual([
      'call',
      'case_object',
      'narrative',
      'note',
      'ping',
      'request',
    ]);
  });
});

describe('a scenario file with a mistake', () => {
  it('reads the small one, times as minutes', () => {
    const result = parseScenarioYaml(SMALL);
    expect(result.ok && result.scenario.injects[0]?.at).toBe(10);
  });

  it('names the line and the field of a bad time', () => {
    const problems = problemsOf(SMALL.replace('at: T+00:10', 'at: 10 minutes'));
    expect(problems).toEqual([
      expect.objectContaining({
        line: 16,
        field: 'injects[0].at',
        message: expect.stringContaining('T+hh:mm'),
      }),
    ]);
  });

  it('names a missing field at the line of the object that lacks it', () => {
    const problems = problemsOf(SMALL.replace('    priority: urgent\n', ''));
    expect(problems).toEqual([
      expect.objectContaining({
        line: 15,
        field: 'injects[0].priority',
        message: 'a call inject needs priority',
      }),
    ]);
  });

  it('names an unknown objective, an action that does not fit the channel, and a wrong side', () => {
    const problems = problemsOf(
      SMALL.replace('objective: answer', 'objective: nothing')
        .replace('action: acknowledge_call', 'action: answer_ping')
        .replace('side: B\n        action', 'side: A\n        action'),
    );
    expect(problems.map((p) => [p.line, p.field])).toEqual(
      expect.arrayContaining([
        [27, 'injects[0].expect[0].objective'],
        [26, 'injects[0].expect[0].action'],
        [25, 'injects[0].expect[0].side'],
      ]),
    );
  });

  it('names a syntax error by its line, and a field unknown to the format', () => {
    const broken = problemsOf(SMALL.replace("duration: '01:00'", 'duration: [01:00'));
    // The parser notices the unclosed bracket where the next line begins.
    expect([9, 10]).toContain(broken[0]?.line);
    const unknown = problemsOf(SMALL.replace('version: 1', 'version: 1\ncolour: blue'));
    expect(unknown).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringContaining('colour') }),
    ]);
  });

  it('refuses a duplicate id, an inject after the end, a bad pattern, and a missing Chinese text', () => {
    const text = SMALL.replace('id: ack-1', 'id: call-1')
      .replace('at: T+00:10', 'at: T+02:00')
      .replace('title: { en: A call, zh-CN: 呼叫 }', "title: { en: A call, zh-CN: '' }");
    const fields = problemsOf(text).map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'injects[0].expect[0].id',
        'injects[0].at',
        'injects[0].title.zh-CN',
      ]),
    );
    const pattern = SMALL.replace(
      'channel: call\n    priority: urgent',
      'channel: case_object\n    pattern: "[ipv4-addr:value = \'999.1.1.1\']"\n    marking: amber',
    ).replace('action: acknowledge_call', 'action: share_object');
    expect(problemsOf(pattern)).toEqual([
      expect.objectContaining({
        field: 'injects[0].pattern',
        message: expect.stringContaining('999.1.1.1'),
      }),
    ]);
  });

  it('says each problem on a line of its own', () => {
    const text = describeProblems(problemsOf(SMALL.replace('at: T+00:10', 'at: soon')));
    expect(text).toMatch(/^line 16, column \d+, injects\[0\]\.at: /);
  });
});

describe('one inject checked against a scenario (an inject added during a run)', () => {
  const text = { en: 'Text', 'zh-CN': '文本' };
  const inject = (changes: Partial<Inject>): Inject => ({
    id: 'extra',
    at: 30,
    from: 'A',
    to: { side: 'B', role: 'officer' },
    channel: 'call',
    priority: 'urgent',
    title: text,
    body: text,
    expect: [],
    ...changes,
  });
  const context = () => ({
    duration: 60,
    objectives: new Set(['answer']),
    ids: new Set(['call-1', 'ack-1']),
  });
  const problems = (changes: Partial<Inject>) =>
    injectChecks(inject(changes), context(), []).map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );

  it('passes a fitting inject, and adds its ids to those seen', () => {
    const seen = context();
    expect(injectChecks(inject({}), seen, [])).toEqual([]);
    expect(seen.ids.has('extra')).toBe(true);
  });

  it('names each mistake by its field', () => {
    expect(
      problems({
        id: 'call-1',
        at: 90,
        priority: undefined,
        expect: [
          {
            id: 'ack-1',
            side: 'A',
            action: 'answer_ping',
            objective: 'nowhere',
            within: 5,
            text,
          },
        ],
      }),
    ).toEqual([
      'id: call-1 is used twice',
      'at: comes after the end of the scenario (duration)',
      'priority: a call inject needs priority',
      'expect.0.id: ack-1 is used twice',
      'expect.0.action: answer_ping answers a ping inject, and this one is a call',
      'expect.0.side: only the side the inject reaches can answer it',
      'expect.0.objective: no objective nowhere',
    ]);
    expect(problems({ from: 'control' })).toEqual([
      'from: a controller sends only narrative injects; real channels need a side',
    ]);
  });
});
