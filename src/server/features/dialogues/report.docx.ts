import { Document, HeadingLevel, Packer, Paragraph, type Table, TextRun } from 'docx';
import type {
  ReportLanguage,
  ReportRequestRow,
  ReportSide,
  StatusReport,
} from '../../../core/schemas/status-report.js';
import { docxTable } from '../../docx.js';

/** The words of the document, in each language. */
export const REPORT_LABELS = {
  en: {
    title: 'Status report for the next meeting',
    period: 'Period',
    asOf: 'Figures as of',
    dialogue: 'Dialogue',
    figure: 'Figure',
    sideNote:
      'Each column counts what that side started in the period (requests sent, calls placed, pings sent, objects shared, feedback given) and how the other side answered.',
    requests: 'Requests for assistance',
    type: 'Type',
    sentBy: 'Sent by',
    all: 'all types',
    sent: 'Sent',
    answered: 'Answered',
    onTime: 'On time (of decided)',
    median: 'Median time to answer',
    p90: '90th percentile',
    hotline: 'Hotline',
    placed: 'Calls placed',
    delivered: 'Delivered',
    ackInTime: 'Acknowledged within the deadline',
    escalated: 'Escalated beyond the first rung',
    pings: 'Ping tests',
    pingsSent: 'Ping tests sent',
    pingsAnswered: 'Answered',
    pingsMedian: 'Median time to answer',
    sharing: 'Cases and sharing',
    objectsShared: 'Objects shared',
    feedbackGiven: 'Feedback given',
    exercises: 'Exercises',
    exercisesRun: 'Exercises ended in the period (joint)',
    aarShared: 'AAR parts shared',
    ratings: 'Ratings (P / S / M / U)',
    openActions: 'Open corrective actions',
    commitments: 'Commitments',
    total: 'Commitments',
    doneByBoth: 'Done (both sides say so)',
    diverging: 'Diverging statements',
    overdue: 'Overdue',
    saysDone: 'Says done',
    agenda: 'Draft agenda for the next meeting',
    reason: 'Why',
    what: 'Commitment',
    due: 'Due',
    statusHere: 'Status',
    meeting: 'Meeting',
    reasons: { overdue: 'overdue', diverging: 'diverging' },
    none: 'None.',
    noStatus: 'no statement',
    statuses: {
      not_started: 'not started',
      in_progress: 'in progress',
      done: 'done',
      blocked: 'blocked',
    },
  },
  'zh-CN': {
    title: '下次会议情况报告',
    period: '报告期',
    asOf: '数据截至',
    dialogue: '对话',
    figure: '指标',
    sideNote:
      '每一列统计该方在报告期内发起的事项（发出的请求、拨出的呼叫、发出的联络测试、共享的对象、提供的反馈）以及对方的答复情况。',
    requests: '协助请求',
    type: '类型',
    sentBy: '发出方：',
    all: '全部类型',
    sent: '已发出',
    answered: '已答复',
    onTime: '按时（占已判定）',
    median: '答复时间中位数',
    p90: '第90百分位',
    hotline: '热线',
    placed: '拨出的呼叫',
    delivered: '已送达',
    ackInTime: '在时限内确认',
    escalated: '升级至第一级以上',
    pings: '联络测试',
    pingsSent: '发出的联络测试',
    pingsAnswered: '已应答',
    pingsMedian: '应答时间中位数',
    sharing: '案件与信息共享',
    objectsShared: '共享的对象',
    feedbackGiven: '提供的反馈',
    exercises: '演练',
    exercisesRun: '报告期内结束的演练（联合）',
    aarShared: '已共享的演练后报告部分',
    ratings: '评级（P / S / M / U）',
    openActions: '未完成的纠正措施',
    commitments: '承诺',
    total: '承诺',
    doneByBoth: '已完成（双方均确认）',
    diverging: '双方陈述不一致',
    overdue: '已逾期',
    saysDone: '称已完成',
    agenda: '下次会议议程草案',
    reason: '原因',
    what: '承诺',
    due: '期限',
    statusHere: '状态',
    meeting: '会议',
    reasons: { overdue: '已逾期', diverging: '陈述不一致' },
    none: '无。',
    noStatus: '未陈述',
    statuses: { not_started: '未开始', in_progress: '进行中', done: '已完成', blocked: '受阻' },
  },
} as const;

type Labels = (typeof REPORT_LABELS)[ReportLanguage];

const day = (text: string) => text.slice(0, 10);
const pct = (value: number | null) => (value === null ? '—' : `${Math.round(value * 1000) / 10}%`);
const duration = (ms: number | null): string => {
  if (ms === null) return '—';
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 6) / 10;
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 2.4) / 10} d`;
};

/** Rows of figures, one value per side: [label, here, there]. */
function bySide(
  l: Labels,
  report: StatusReport,
  rows: [string, (side: ReportSide) => string][],
  language: ReportLanguage,
): Table {
  return docxTable(
    language,
    [l.figure, report.here.node, report.there.node],
    rows.map(([label, value]) => [label, value(report.here), value(report.there)]),
  );
}

/** Each side's requests: one table per side, a row per type it sent (all types first). */
function requestTables(
  l: Labels,
  report: StatusReport,
  language: ReportLanguage,
  sub: (text: string) => Paragraph,
): (Paragraph | Table)[] {
  const row = (r: ReportRequestRow) => [
    r.type === 'all' ? l.all : r.type,
    String(r.sent),
    String(r.answered),
    `${r.onTime} / ${r.decided} (${pct(r.onTimeShare)})`,
    duration(r.respondMedianMs),
    duration(r.respondP90Ms),
  ];
  return [report.here, report.there].flatMap((side) => [
    sub(`${l.sentBy}${language === 'en' ? ' ' : ''}${side.node}`),
    docxTable(
      language,
      [l.type, l.sent, l.answered, l.onTime, l.median, l.p90],
      side.requests.map(row),
    ),
  ]);
}

type Block = Paragraph | Table;

/** The figures' sections: requests, hotline, ping tests, cases and sharing, exercises. */
function figureSections(
  report: StatusReport,
  l: Labels,
  language: ReportLanguage,
  p: (text: string) => Paragraph,
  heading: (text: string) => Paragraph,
): Block[] {
  const sub = (text: string) =>
    new Paragraph({
      heading: HeadingLevel.HEADING_2,
      children: [new TextRun({ text, language: { value: language } })],
    });
  const side = (rows: [string, (s: ReportSide) => string][]) => bySide(l, report, rows, language);
  return [
    heading(l.requests),
    ...requestTables(l, report, language, sub),
    heading(l.hotline),
    side([
      [l.placed, (s) => String(s.hotline.placed)],
      [l.delivered, (s) => String(s.hotline.delivered)],
      [
        l.ackInTime,
        (s) =>
          `${s.hotline.acknowledgedWithinDeadline} (${pct(s.hotline.acknowledgedWithinDeadlineShare)})`,
      ],
      [l.escalated, (s) => String(s.hotline.escalated)],
    ]),
    heading(l.pings),
    side([
      [l.pingsSent, (s) => String(s.pings.sent)],
      [l.pingsAnswered, (s) => `${s.pings.answered} (${pct(s.pings.answeredShare)})`],
      [l.pingsMedian, (s) => duration(s.pings.medianMs)],
    ]),
    heading(l.sharing),
    side([
      [l.objectsShared, (s) => String(s.sharing.objectsShared)],
      [l.feedbackGiven, (s) => String(s.sharing.feedbackGiven)],
    ]),
    heading(l.exercises),
    p(`${l.exercisesRun}: ${report.exercisesRun}`),
    side([
      [l.aarShared, (s) => String(s.exercises.aarShared)],
      [
        l.ratings,
        (s) => {
          const r = s.exercises.ratings;
          return `${r.P} / ${r.S} / ${r.M} / ${r.U}`;
        },
      ],
      [l.openActions, (s) => String(s.exercises.openCorrectiveActions)],
    ]),
  ];
}

/**
 * The status report as a Word document, in English or Chinese: the period, then one section
 * each for requests, the hotline, ping tests, cases and sharing, exercises and commitments,
 * and the draft agenda. Pure: the report in, the file's bytes out.
 */
export async function reportDocx(report: StatusReport, language: ReportLanguage): Promise<Buffer> {
  const l = REPORT_LABELS[language];
  const p = (text: string, bold = false) =>
    new Paragraph({ children: [new TextRun({ text, bold, language: { value: language } })] });
  const heading = (text: string) =>
    new Paragraph({
      heading: HeadingLevel.HEADING_1,
      children: [new TextRun({ text, language: { value: language } })],
    });
  const text = (t: { en: string; zh: string }) => (language === 'en' ? t.en || t.zh : t.zh || t.en);
  const children = [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      children: [new TextRun({ text: l.title, language: { value: language } })],
    }),
    p(`${report.node} — ${report.peer}`, true),
    p(`${l.period}: ${day(report.from)} – ${day(report.to)} (UTC, [from, to))`),
    p(`${l.asOf}: ${report.asOf.replace('T', ' ').slice(0, 16)} UTC`),
    ...(report.dialogue ? [p(`${l.dialogue}: ${report.dialogue}`)] : []),
    p(l.sideNote),
    ...figureSections(report, l, language, p, heading),
    heading(l.commitments),
    docxTable(
      language,
      [l.figure, ''],
      [
        [l.total, String(report.commitments.total)],
        [l.doneByBoth, String(report.commitments.doneByBoth)],
        [l.diverging, String(report.commitments.diverging)],
        [l.overdue, String(report.commitments.overdue)],
        [`${l.saysDone}: ${report.here.node}`, String(report.here.commitments.saysDone)],
        [`${l.saysDone}: ${report.there.node}`, String(report.there.commitments.saysDone)],
      ],
    ),
    heading(l.agenda),
    report.agenda.length === 0
      ? p(l.none)
      : docxTable(
          language,
          [
            l.reason,
            l.what,
            l.meeting,
            l.due,
            `${l.statusHere}: ${report.here.node}`,
            `${l.statusHere}: ${report.there.node}`,
          ],
          report.agenda.map((a) => [
            l.reasons[a.reason],
            text(a.what),
            String(a.meetingNumber),
            a.dueDate,
            a.here ? l.statuses[a.here] : l.noStatus,
            a.peer ? l.statuses[a.peer] : l.noStatus,
          ]),
        ),
  ];
  const document = new Document({
    title: `${l.title}: ${report.node} — ${report.peer}`,
    styles: { default: { document: { run: { font: 'Calibri' } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(document);
}
