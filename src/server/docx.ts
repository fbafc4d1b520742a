import { Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';

/**
 * The one table of the node's Word documents (the AAR/IP, the status report): full width, a
 * bold header row repeated on each page, rows kept whole across page breaks, every run
 * tagged with the document's language (so Word picks the right fonts and proofing).
 */
export function docxTable(
  language: string,
  head: readonly string[],
  rows: readonly string[][],
): Table {
  const cell = (value: string, bold: boolean) =>
    new TableCell({
      children: [
        new Paragraph({
          children: [new TextRun({ text: value, bold, language: { value: language } })],
        }),
      ],
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: head.map((h) => cell(h, true)) }),
      ...rows.map(
        (row) => new TableRow({ cantSplit: true, children: row.map((v) => cell(v, false)) }),
      ),
    ],
  });
}
