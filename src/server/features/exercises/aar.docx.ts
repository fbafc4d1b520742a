import { Document, HeadingLevel, Packer, Paragraph, type Table, TextRun } from 'docx';
import { formatScenarioTime } from '../../../core/exercises/clock.js';
import type { BilingualText } from '../../../core/exercises/scenario.js';
import type { AarView } from '../../../core/schemas/exercise-evaluation.js';
import { docxTable } from '../../docx.js';

export type AarLanguage = 'en' | 'zh-CN';

/** The words of the document, in HSEEP's AAR/IP layout, in each language. */
export const AAR_LABELS = {
  en: {
    title: 'After-Action Report / Improvement Plan',
    exercise: 'Exercise',
    overview: 'Exercise Overview',
    capabilities: 'Analysis of Capabilities',
    timeline: 'Merged Timeline',
    expected: 'Expected vs Actual',
    findings: 'Strengths and Areas for Improvement',
    strengths: 'Strengths',
    improvements: 'Areas for Improvement',
    plan: 'Improvement Plan',
    scenario: 'Scenario',
    started: 'Started',
    ended: 'Ended',
    duration: 'Scenario duration',
    side: 'Side',
    thisSide: 'This node plays side',
    peer: 'Peer',
    participants: 'Participants (controllers / evaluators / players)',
    ours: 'This side',
    theirs: 'The peer’s side',
    notShared: 'not shared yet',
    objective: 'Objective',
    capability: 'Capability',
    whole: '(the objective as a whole)',
    rating: 'Rating',
    note: 'Note',
    diverge: 'Ratings differ',
    yes: 'yes',
    ratingsKey:
      'P: performed without challenges; S: with some challenges; M: with major challenges; U: unable to be performed.',
    wall: 'Time (UTC)',
    scenarioTime: 'Scenario time',
    what: 'What',
    detail: 'Detail',
    expectedAction: 'Expected action',
    due: 'Due',
    state: 'Outcome',
    when: 'When',
    none: 'None.',
    correctiveAction: 'Corrective action',
    ownerSide: 'Owner side',
    owner: 'Owner',
    start: 'Start',
    status: 'Status',
    writtenBy: 'Written by side',
  },
  'zh-CN': {
    title: '演练后报告 / 改进计划',
    exercise: '演练',
    overview: '演练概述',
    capabilities: '能力分析',
    timeline: '合并时间线',
    expected: '预期与实际',
    findings: '优势与待改进领域',
    strengths: '优势',
    improvements: '待改进领域',
    plan: '改进计划',
    scenario: '情景',
    started: '开始',
    ended: '结束',
    duration: '情景时长',
    side: '方',
    thisSide: '本节点扮演',
    peer: '对方节点',
    participants: '参与者（控制员 / 评估员 / 演练人员）',
    ours: '本方',
    theirs: '对方',
    notShared: '尚未共享',
    objective: '目标',
    capability: '能力',
    whole: '（目标整体）',
    rating: '评级',
    note: '说明',
    diverge: '评级不一致',
    yes: '是',
    ratingsKey: 'P：顺利完成；S：遇到一些困难；M：遇到重大困难；U：无法完成。',
    wall: '时间（UTC）',
    scenarioTime: '情景时间',
    what: '事项',
    detail: '详情',
    expectedAction: '预期行动',
    due: '期限',
    state: '结果',
    when: '时间',
    none: '无。',
    correctiveAction: '纠正措施',
    ownerSide: '负责方',
    owner: '负责人',
    start: '开始日期',
    status: '状态',
    writtenBy: '填写方',
  },
} as const;

type Labels = (typeof AAR_LABELS)[AarLanguage];
type Block = Paragraph | Table;

const wall = (at: string | null) => (at ? at.replace('T', ' ').slice(0, 19) : '—');
const minutes = (m: number | null) => (m === null ? '—' : formatScenarioTime(m * 60_000));

/**
 * The AAR/IP as a Word document in HSEEP's layout (Exercise Overview, Analysis of
 * Capabilities, Merged Timeline, Expected vs Actual, Strengths and Areas for Improvement,
 * Improvement Plan), in English or Chinese. Pure: the view in, the file's bytes out.
 */
export async function aarDocx(view: AarView, language: AarLanguage): Promise<Buffer> {
  const l = AAR_LABELS[language];
  const t = (text: BilingualText) => text[language];
  const p = (text: string, bold = false) =>
    new Paragraph({ children: [new TextRun({ text, bold, language: { value: language } })] });
  const heading = (text: string, level: 1 | 2 = 1) =>
    new Paragraph({
      heading: level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2,
      children: [new TextRun({ text, language: { value: language } })],
    });
  const children: Block[] = [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      children: [new TextRun({ text: l.title, language: { value: language } })],
    }),
    p(`${l.exercise}: ${t(view.overview.title)}`, true),
    heading(l.overview),
    ...overview(view, l, language, t),
    heading(l.capabilities),
    p(l.ratingsKey),
    ...capabilities(view, l, language, t, heading),
    heading(l.timeline),
    view.timeline.length === 0
      ? p(l.none)
      : docxTable(
          language,
          [l.wall, l.scenarioTime, l.side, l.what, l.detail],
          view.timeline.map((e) => [
            wall(e.at),
            minutes(e.scenarioMinutes),
            e.side,
            t(e.title),
            e.detail,
          ]),
        ),
    heading(l.expected),
    ...expected(view, l, language, t, heading),
    heading(l.findings),
    heading(l.strengths, 2),
    ...bullets(view.strengths, l, p),
    heading(l.improvements, 2),
    ...bullets(view.improvements, l, p),
    heading(l.plan),
    view.correctiveActions.length === 0
      ? p(l.none)
      : docxTable(
          language,
          [
            l.capability,
            l.correctiveAction,
            l.ownerSide,
            l.owner,
            l.start,
            l.due,
            l.status,
            l.writtenBy,
          ],
          view.correctiveActions.map((a) => [
            a.capability,
            a.title,
            a.ownerSide,
            a.owner,
            a.startDate,
            a.dueDate,
            a.status,
            a.side,
          ]),
        ),
  ];
  const document = new Document({
    title: `${l.title}: ${t(view.overview.title)}`,
    styles: { default: { document: { run: { font: 'Calibri' } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(document);
}

function overview(
  view: AarView,
  l: Labels,
  language: AarLanguage,
  t: (text: BilingualText) => string,
): Block[] {
  const o = view.overview;
  const count = (c: { controllers: number; evaluators: number; players: number } | null) =>
    c ? `${c.controllers} / ${c.evaluators} / ${c.players}` : l.notShared;
  return [
    docxTable(
      language,
      ['', ''],
      [
        [l.scenario, `${t(o.title)} (${o.scenarioId}, v${o.scenarioVersion})`],
        ['', t(o.summary)],
        [l.started, wall(o.startedAt)],
        [l.ended, wall(o.endedAt)],
        [l.duration, minutes(o.durationMinutes).slice(2)],
        [`${l.side} A`, t(o.sides.A)],
        [`${l.side} B`, t(o.sides.B)],
        [l.thisSide, o.side],
        [l.peer, o.peer],
        [`${l.participants}: ${l.ours}`, count(o.participants.ours)],
        [`${l.participants}: ${l.theirs}`, count(o.participants.theirs)],
      ],
    ),
  ];
}

function capabilities(
  view: AarView,
  l: Labels,
  language: AarLanguage,
  t: (text: BilingualText) => string,
  heading: (text: string, level?: 1 | 2) => Paragraph,
): Block[] {
  return view.objectives.flatMap((objective) => [
    heading(`${l.objective} ${objective.id}: ${t(objective.text)}`, 2),
    docxTable(
      language,
      [
        l.capability,
        `${l.rating}: ${l.ours}`,
        l.note,
        `${l.rating}: ${l.theirs}`,
        l.note,
        l.diverge,
      ],
      objective.ratings.map((r) => [
        r.capability ?? l.whole,
        r.ours ?? '—',
        r.oursNote,
        r.theirs ?? '—',
        r.theirsNote,
        r.diverge ? l.yes : '',
      ]),
    ),
  ]);
}

function expected(
  view: AarView,
  l: Labels,
  language: AarLanguage,
  t: (text: BilingualText) => string,
  heading: (text: string, level?: 1 | 2) => Paragraph,
): Block[] {
  const rows = (list: AarView['expected']['ours']) =>
    list.map((e) => [
      t(e.text),
      e.objective,
      minutes(e.dueMinutes),
      e.state,
      e.at ? `${wall(e.at)} (${minutes(e.scenarioMinutes)})` : '—',
    ]);
  const head = [l.expectedAction, l.objective, l.due, l.state, l.when];
  return [
    heading(`${l.ours} (${view.overview.side})`, 2),
    docxTable(language, head, rows(view.expected.ours)),
    heading(l.theirs, 2),
    view.expected.theirs.length === 0
      ? new Paragraph({
          children: [new TextRun({ text: view.sharedAt.theirs ? l.none : l.notShared })],
        })
      : docxTable(language, head, rows(view.expected.theirs)),
  ];
}

function bullets(
  items: AarView['strengths'],
  l: Labels,
  p: (text: string) => Paragraph,
): Paragraph[] {
  if (items.length === 0) return [p(l.none)];
  return items.map(
    (item) =>
      new Paragraph({
        bullet: { level: 0 },
        children: [new TextRun(`${l.side} ${item.side}: ${item.text}`)],
      }),
  );
}
