/**
 * Word (.docx) exports of a page's figures: a titled document of headings, lines and tables,
 * written in the browser and saved as a download. The `docx` library is loaded when an
 * export is asked for (a chunk of its own), so the first load does not carry it.
 */

/** A table: its caption, its column headers and its rows (the first cell names the row). */
export interface DocxTable {
  caption: string;
  head: readonly string[];
  rows: readonly (readonly (string | number)[])[];
}

/** One block of the document, in order. */
export type DocxBlock =
  { heading: string } | { text: string } | { table: DocxTable } | { list: readonly string[] };

/** A document: its title, the lines under it (node, period, when written), then its blocks. */
export interface DocxReport {
  title: string;
  /** Shown under the title, one paragraph each. */
  lines?: readonly string[];
  blocks: readonly DocxBlock[];
  /** The document's language (the user's), e.g. 'zh-CN'. */
  language: string;
}

/** The report as a .docx file (loads the library on first use). */
export async function docxBlob(report: DocxReport): Promise<Blob> {
  const docx = await import('docx');
  const { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } = docx;
  const language = { value: report.language };
  const text = (value: string | number, bold = false) =>
    new TextRun({ text: String(value), bold, language });
  const cell = (value: string | number, header: boolean) =>
    new TableCell({ children: [new Paragraph({ children: [text(value, header)] })] });
  const children: (InstanceType<typeof Paragraph> | InstanceType<typeof Table>)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [text(report.title)] }),
    ...(report.lines ?? []).map((line) => new Paragraph({ children: [text(line)] })),
  ];
  for (const block of report.blocks) {
    if ('heading' in block) {
      children.push(
        new Paragraph({ heading: HeadingLevel.HEADING_1, children: [text(block.heading)] }),
      );
    } else if ('text' in block) {
      children.push(new Paragraph({ children: [text(block.text)] }));
    } else if ('list' in block) {
      for (const item of block.list) {
        children.push(new Paragraph({ bullet: { level: 0 }, children: [text(item)] }));
      }
    } else {
      const { caption, head, rows } = block.table;
      children.push(
        new Paragraph({ heading: HeadingLevel.HEADING_2, children: [text(caption)] }),
        new Table({
          rows: [
            new TableRow({
              tableHeader: true,
              cantSplit: true,
              children: head.map((header) => cell(header, true)),
            }),
            ...rows.map(
              (row) =>
                new TableRow({
                  cantSplit: true,
                  children: row.map((value, index) => cell(value, index === 0)),
                }),
            ),
          ],
        }),
      );
    }
  }
  const document = new Document({
    title: report.title,
    styles: { default: { document: { run: { font: 'Calibri' } } } },
    sections: [{ children }],
  });
  return Packer.toBlob(document);
}

/** Saves a blob as a download named `fileName` (a temporary link, removed at once). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; it may be let go once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Writes the report and downloads it as `fileName`. */
export async function downloadDocx(fileName: string, report: DocxReport): Promise<void> {
  saveBlob(await docxBlob(report), fileName);
}

/** "hotline-review-2026-05-01-2026-05-31.docx": a file name of letters, digits and dashes. */
export function docxFileName(...parts: readonly string[]): string {
  const name = parts
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return `${name || 'report'}.docx`;
}
