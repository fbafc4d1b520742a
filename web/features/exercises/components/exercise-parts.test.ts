import { describe, expect, it } from 'vitest';
import { isAbout, parseScenarioTime, pick, scenarioTime } from './exercise-parts';

describe('the exercise clock as the pages show it', () => {
  it('writes scenario time as T+hh:mm, with seconds when ticking', () => {
    expect(scenarioTime(0)).toBe('T+00:00');
    expect(scenarioTime(51.5)).toBe('T+00:51');
    expect(scenarioTime(51.5, true)).toBe('T+00:51:30');
    expect(scenarioTime(185)).toBe('T+03:05');
    expect(scenarioTime(-3)).toBe('T+00:00');
  });

  it('reads a time to jump to as hh:mm, T+hh:mm or minutes, and nothing else', () => {
    expect(parseScenarioTime('01:30')).toBe(90);
    expect(parseScenarioTime(' T+00:51 ')).toBe(51);
    expect(parseScenarioTime('1:05')).toBe(65);
    expect(parseScenarioTime('95')).toBe(95);
    expect(parseScenarioTime('01:75')).toBeNull();
    expect(parseScenarioTime('soon')).toBeNull();
    expect(parseScenarioTime('')).toBeNull();
  });

  it("picks the reader's language, English for any other", () => {
    const text = { en: 'Exercise', 'zh-CN': '演习' };
    expect(pick(text, 'zh-CN')).toBe('演习');
    expect(pick(text, 'en')).toBe('Exercise');
    expect(pick(text, 'fr')).toBe('Exercise');
  });

  it('tells which live events are about an exercise', () => {
    expect(isAbout({ exerciseId: 'x' }, 'x')).toBe(true);
    expect(isAbout({ exerciseId: 'y' }, 'x')).toBe(false);
    expect(isAbout(null, 'x')).toBe(false);
    expect(isAbout('x', 'x')).toBe(false);
  });
});
