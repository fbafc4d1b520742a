import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportView } from '../../../../src/core/schemas/reports';
import { cutText, topMark, type Mark } from './highlight';

/** Every extraction of a report as a mark over its span. */
export function marksOf(report: ReportView): Mark[] {
  return [
    ...report.claims.map((c) => ({
      kind: 'claim' as const,
      index: c.index,
      start: c.start,
      end: c.end,
      sub: c.stance,
      state: c.state,
    })),
    ...report.entities.map((e) => ({
      kind: 'entity' as const,
      index: e.index,
      start: e.start,
      end: e.end,
      sub: e.kind,
      state: e.state,
    })),
    ...report.indicators.map((i) => ({
      kind: 'indicator' as const,
      index: i.index,
      start: i.start,
      end: i.end,
      sub: i.type,
      state: i.state,
    })),
    ...report.dropped.map((d, index) => ({
      kind: 'dropped' as const,
      index,
      start: d.start,
      end: d.end,
      sub: d.type,
      state: 'dropped' as const,
    })),
  ];
}

export const markId = (kind: Mark['kind'], index: number) => `x-${kind}-${index}`;

/**
 * The report's text with every extraction highlighted: React text nodes cut at the spans
 * (never HTML). An indicator or a dropped value colours its piece before an entity; a claim
 * underlines its sentence. Rejected extractions are struck through.
 */
export function ReportText({ report, focus }: { report: ReportView; focus: string | null }) {
  const { t } = useTranslation();
  const pieces = useMemo(() => cutText(report.text, marksOf(report)), [report]);
  const firsts = new Set<string>();
  return (
    <div
      className="report-text"
      lang={report.language === 'zh' ? 'zh-CN' : 'en'}
      data-testid="report-text"
    >
      {pieces.map((piece) => {
        if (piece.marks.length === 0) return <span key={piece.start}>{piece.text}</span>;
        const top = topMark(piece.marks)!;
        const claim = piece.marks.find((m) => m.kind === 'claim');
        const classes = ['hl', `hl-${top.kind}`, `hl-${top.kind}-${top.sub}`, `hl-${top.state}`];
        if (claim && top !== claim) classes.push('hl-in-claim', `hl-claim-${claim.state}`);
        // The first piece of each extraction carries its id, so the side panel can point at it.
        const key = `${top.kind}-${top.index}`;
        const first = !firsts.has(key);
        firsts.add(key);
        const focused = piece.marks.some((m) => markId(m.kind, m.index) === focus);
        if (focused) classes.push('hl-focus');
        return (
          <mark
            key={piece.start}
            id={first ? markId(top.kind, top.index) : undefined}
            className={classes.join(' ')}
            data-kind={top.kind}
            data-sub={top.sub}
            data-state={top.state}
            title={t(`reports.marks.${top.kind}`, {
              sub: subLabel(t, top),
              state:
                top.state === 'dropped'
                  ? t('reports.legend.dropped')
                  : t(`reports.review.states.${top.state}`),
            })}
          >
            {piece.text}
          </mark>
        );
      })}
    </div>
  );
}

/** A translator over keys built at run time (the compile-time key list cannot follow them). */
type Translate = (key: string) => string;

function subLabel(translate: unknown, mark: Mark): string {
  const t = translate as Translate;
  switch (mark.kind) {
    case 'indicator':
    case 'dropped':
      return t(`reports.indicatorTypes.${mark.sub}`);
    case 'entity':
      return t(`reports.entityKinds.${mark.sub}`);
    case 'claim':
      return t(`reports.stances.${mark.sub}`);
  }
}

/** What the colours mean. */
export function Legend() {
  const { t } = useTranslation();
  return (
    <ul className="report-legend" aria-label={t('reports.legend.title')}>
      <li>
        <mark className="hl hl-indicator">{t('reports.legend.indicator')}</mark>
      </li>
      <li>
        <mark className="hl hl-entity">{t('reports.legend.entity')}</mark>
      </li>
      <li>
        <mark className="hl hl-claim">{t('reports.legend.claim')}</mark>
      </li>
      <li>
        <mark className="hl hl-dropped">{t('reports.legend.dropped')}</mark>
      </li>
      <li>
        <mark className="hl hl-indicator hl-rejected">{t('reports.legend.rejected')}</mark>
      </li>
    </ul>
  );
}
