import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useSession, useUserTimeZone } from '../../../app/session';
import { ProblemAlert } from '../../../ui/errors';
import { formatDateTime } from '../../../ui/format';
import { useSubmit } from '../../../ui/submit';
import { downloadDocx, type DocxReport } from '../../../ui/docx';
import '../i18n';
import '../cases.css';

// The print-ready pages (a hotline call, the case report, the hotline usage review) share
// these: a Print button, the header only paper shows (node, period, when printed) and a
// Word export of the same figures. The @media print rules are in ../cases.css.

/** A period of whole days, as the report's filter holds it ("2026-05-01"). */
export interface PrintPeriod {
  from: string;
  to: string;
}

/** The lines that head a printout and a Word export: the node, the period, when printed. */
export function printLines(
  t: TFunction,
  {
    node,
    period,
    printedAt,
  }: { node: { name: string; nodeId: string } | null; period?: PrintPeriod; printedAt: string },
): string[] {
  const lines: string[] = [];
  if (node) lines.push(t('cases.print.node', { name: node.name, nodeId: node.nodeId }));
  if (period) {
    lines.push(t('cases.print.period', { from: period.from || '…', to: period.to || '…' }));
  }
  lines.push(t('cases.print.printedAt', { at: printedAt }));
  return lines;
}

/** printLines for this node and user, the time being now (again just before printing). */
export function usePrintLines(period?: PrintPeriod): () => string[] {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const { node } = useSession();
  return () =>
    printLines(t, {
      node: node.node ? { name: node.node.name, nodeId: node.node.nodeId } : null,
      ...(period ? { period } : {}),
      printedAt: formatDateTime(new Date(), i18n.language, zone),
    });
}

/** The header of a printout; hidden on screen, shown on paper (cases.css). */
export function PrintHeader({ period }: { period?: PrintPeriod }) {
  const { t } = useTranslation();
  const lines = usePrintLines(period);
  const [shown, setShown] = useState(lines);
  // The printing time is the time of printing, not of the page's first render.
  useEffect(() => {
    const update = () => setShown(lines());
    update();
    window.addEventListener('beforeprint', update);
    return () => window.removeEventListener('beforeprint', update);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- lines() is new each render
  }, [period?.from, period?.to]);
  return (
    <div className="print-header" data-testid="print-header" aria-label={t('cases.print.header')}>
      {shown.map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  );
}

/** "Print", and, when the page has one, "Download Word" of its figures. */
export function PrintActions({
  fileName,
  docx,
  children,
}: {
  /** Other actions of the page, before these (a CSV link, say). */
  children?: ReactNode;
  fileName?: string;
  /** The document, built when asked for (null while the page has nothing to export). */
  docx?: () => DocxReport | null;
}) {
  const { t } = useTranslation();
  const exportDocx = useSubmit(async () => {
    const report = docx?.();
    if (report && fileName) await downloadDocx(fileName, report);
  });
  return (
    <>
      <div className="print-actions">
        {children}
        <button type="button" className="print-button" onClick={() => window.print()}>
          {t('cases.print.button')}
        </button>
        {docx ? (
          <button type="button" disabled={exportDocx.busy} onClick={() => void exportDocx.submit()}>
            {t('cases.print.docx')}
          </button>
        ) : null}
      </div>
      <ProblemAlert problem={exportDocx.problem} />
    </>
  );
}
