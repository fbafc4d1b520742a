import { describe, expect, it } from 'vitest';
import { ATTESTATION_STATUSES, COMMITMENT_STATES, OUTCOME_KINDS } from './choices';
import { formatMeasure } from './measure';
import { formatDay, meetingDays, pick } from './parts';
import en from '../i18n/en.json';
import zh from '../i18n/zh-CN.json';

const t = (key: string) => key.split('.').at(-1) ?? key;

describe('the dialogue pages’ texts and dates', () => {
  it('pick the reader’s language, else the other one', () => {
    const both = { en: 'Establish the hotline', zh: '建立热线' };
    expect(pick(both, 'en')).toBe('Establish the hotline');
    expect(pick(both, 'zh-CN')).toBe('建立热线');
    expect(pick({ en: '', zh: '建立热线' }, 'en')).toBe('建立热线');
    expect(pick({ en: 'Hotline', zh: '' }, 'zh-CN')).toBe('Hotline');
    expect(pick({ en: 'Scenario', 'zh-CN': '情景' }, 'zh-CN')).toBe('情景');
  });

  it('write a meeting’s days as a range, one day, or as it reads while open', () => {
    const washington = { when: '', startDate: '2015-12-01', endDate: '2015-12-02' };
    expect(meetingDays(washington, 'en-US')).toMatch(/^Dec 1\s*–\s*2, 2015$/);
    expect(meetingDays(washington, 'zh-CN')).toMatch(/^2015\/12\/1\s*[–-]\s*2015\/12\/2$/);
    expect(meetingDays({ ...washington, endDate: null }, 'en-US')).toBe('Dec 1, 2015');
    expect(meetingDays({ when: 'June 2016', startDate: null, endDate: null }, 'en-US')).toBe(
      'June 2016',
    );
    // A day is a day wherever the reader is: never the day before in a zone west of UTC.
    expect(formatDay('2016-03-01', 'en-US')).toBe('Mar 1, 2016');
  });

  it('write a measure’s value as its unit reads', () => {
    expect(formatMeasure(0.9, 'share', 'en-US', t)).toBe('90%');
    expect(formatMeasure(1, 'flag', 'en-US', t)).toBe('yes');
    expect(formatMeasure(0, 'flag', 'en-US', t)).toBe('no');
    expect(formatMeasure(12.5, 'per_month', 'en-US', t)).toBe('12.5');
    expect(formatMeasure(null, 'count', 'en-US', t)).toBe('unknown');
  });

  it('name every state, status and kind in English and Chinese', () => {
    for (const strings of [en, zh]) {
      for (const s of COMMITMENT_STATES) expect(strings.dialogues.states[s]).toBeTruthy();
      for (const s of ATTESTATION_STATUSES) expect(strings.dialogues.statuses[s]).toBeTruthy();
      for (const k of OUTCOME_KINDS) expect(strings.dialogues.kinds[k]).toBeTruthy();
    }
    expect(zh.dialogues.states.diverging).toMatch(/\p{Script=Han}/u);
  });
});
