import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useSession, useUserTimeZone } from '../app/session';
import { ProblemAlert } from './errors';
import { formatDateTime } from './format';
import { useSubmit } from './submit';
import { downloadDocx, type DocxReport } from './docx';

// The print-ready pages (a request, a hotline call, the case report, the figures, the
// hotline usage review) share these: a Print button, the header only paper shows (node,
// period, when printed) and a Word export of the same figures. The @media print rules are in
// web/styles.css (class printable).

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
  if (node) lines.push(t('print.node', { name: node.name, nodeId: node.nodeId }));
  if (period) {
    lines.push(t('print.period', { from: period.from || '…', to: period.to || '…' }));
  }
  lines.push(t('print.printedAt', { at: printedAt }));
  return lines;
}

/** printLines for this node and user, at `at` (now by default). */
export function usePrintLines(period?: PrintPeriod): (at?: Date) => string[] {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const { node } = useSession();
  return (at = new Date()) =>
    printLines(t, {
      node: node.node ? { name: node.node.name, nodeId: node.node.nodeId } : null,
      ...(period ? { period } : {}),
      printedAt: formatDateTime(at, i18n.language, zone),
    });
}

/** The header of a printout; hidden on screen, shown on paper (web/styles.css). */
export function PrintHeader({ period }: { period?: PrintPeriod }) {
  const { t } = useTranslation();
  const lines = usePrintLines(period);
  // The printing time is the time of printing, not of the page's first render.
  const [printedAt, setPrintedAt] = useState(() => new Date());
  useEffect(() => {
    const update = () => setPrintedAt(new Date());
    window.addEventListener('beforeprint', update);
    return () => window.removeEventListener('beforeprint', update);
  }, []);
  return (
    <div className="print-header" data-testid="print-header" aria-label={t('print.header')}>
      {lines(printedAt).map((line) => (
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
          {t('print.button')}
        </button>
        {docx ? (
          <button type="button" disabled={exportDocx.busy} onClick={() => void exportDocx.submit()}>
            {t('print.docx')}
          </button>
        ) : null}
      </div>
      <ProblemAlert problem={exportDocx.problem} />
    </>
  );
}
