import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import type { AarView, TimelineEntry } from '../../../core/schemas/exercise-evaluation.js';
import { AAR_LABELS, aarDocx } from './aar.docx.js';
import { mergeTimeline } from './aar.present.js';

const text = (en: string) => ({ en, 'zh-CN': `${en}（中文）` });

function entry(side: 'A' | 'B', key: string, at: string): TimelineEntry {
  return {
    key: `${side}:inject_fired:${key}`,
    side,
    kind: 'inject_fired',
    at,
    scenarioMinutes: 0,
    title: text(key),
    detail: 'call',
  };
}

const VIEW: AarView = {
  exerciseId: '00000000-0000-4000-8000-000000000000',
  overview: {
    title: text('Spring tabletop'),
    summary: text('A breach of a personnel agency'),
    scenarioId: 'personnel-breach',
    scenarioVersion: 1,
    side: 'A',
    peer: 'cn-mps',
    sides: { A: text('The requesting side'), B: text('The answering side') },
    startedAt: '2026-12-03T10:00:00.000Z',
    endedAt: '2026-12-03T10:03:00.000Z',
    durationMinutes: 180,
    participants: {
      ours: { controllers: 1, evaluators: 1, players: 2 },
      theirs: null,
    },
  },
  sharedAt: { ours: null, theirs: null },
  objectives: [
    {
      id: 'hotline-response',
      text: text('Answer the hotline'),
      capabilities: ['operational-communications'],
      ratings: [
        {
          objective: 'hotline-response',
          capability: null,
          ours: 'S',
          oursNote: 'slow ladder',
          theirs: 'P',
          theirsNote: '',
          diverge: true,
        },
      ],
    },
  ],
  timeline: [entry('A', 'exfiltration-call', '2026-12-03T10:00:50.000Z')],
  expected: { ours: [], theirs: [] },
  strengths: [{ side: 'A', text: 'The call went out on time' }],
  improvements: [],
  correctiveActions: [
    {
      id: 'x',
      title: 'Rehearse the ladder',
      capability: 'operational-communications',
      ownerSide: 'A',
      owner: 'duty desk',
      startDate: '2027-01-01',
      dueDate: '2027-02-01',
      status: 'open',
      side: 'A',
    },
  ],
};

describe('the merged timeline', () => {
  it('comes out the same whatever order the parts are merged in: by time, then by key', () => {
    const a = [
      entry('A', 'x', '2026-12-03T10:00:01.000Z'),
      entry('A', 'y', '2026-12-03T10:00:02.000Z'),
    ];
    const b = [
      entry('B', 'x', '2026-12-03T10:00:01.000Z'),
      entry('B', 'z', '2026-12-03T10:00:00.500Z'),
    ];
    const one = mergeTimeline(a, b).map((e) => e.key);
    expect(one).toEqual([
      'B:inject_fired:z',
      'A:inject_fired:x',
      'B:inject_fired:x',
      'A:inject_fired:y',
    ]);
    expect(mergeTimeline(b, a).map((e) => e.key)).toEqual(one);
    expect(mergeTimeline([...a].reverse(), [...b].reverse()).map((e) => e.key)).toEqual(one);
  });
});

describe('the AAR/IP as a Word document', () => {
  it.each(['en', 'zh-CN'] as const)(
    'has HSEEP’s sections and the report’s content in %s',
    async (lang) => {
      const bytes = await aarDocx(VIEW, lang);
      const xml =
        (await (await JSZip.loadAsync(bytes)).file('word/document.xml')?.async('string')) ?? '';
      const l = AAR_LABELS[lang];
      for (const heading of [
        l.overview,
        l.capabilities,
        l.timeline,
        l.expected,
        l.findings,
        l.plan,
      ]) {
        expect(xml).toContain(heading);
      }
      expect(xml).toContain(VIEW.overview.title[lang]);
      expect(xml).toContain('exfiltration-call');
      expect(xml).toContain('Rehearse the ladder');
      expect(xml).toContain(l.notShared); // the peer's side, not shared yet
    },
  );
});
