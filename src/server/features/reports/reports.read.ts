import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { MAX_REPORT_CHARS } from '../../../core/schemas/reports.js';
import { badRequest, unprocessable, unsupportedMediaType } from '../../errors.js';

/** What a report's file was read as, and its text. */
export interface ReadText {
  format: 'text' | 'html' | 'pdf' | 'docx';
  text: string;
  /** The HTML page's or the PDF's title, when it has one. */
  title: string | null;
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** The content types an upload may have (also the ones a URL's answer may have). */
export const READABLE_TYPES = [
  'text/plain',
  'text/markdown',
  'text/html',
  'application/xhtml+xml',
  'application/pdf',
  DOCX,
] as const;

function formatOf(contentType: string, bytes: Buffer): ReadText['format'] | null {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  // The bytes decide for the formats with a signature, so a mislabelled PDF is read as one.
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (type === 'application/pdf') return 'pdf';
  if (type === DOCX) return 'docx';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'text/plain' || type === 'text/markdown' || type === '') return 'text';
  return null;
}

/** Decodes UTF-8 text; 400 report_binary for bytes that are not text. */
function decodeText(bytes: Buffer): string {
  if (bytes.includes(0)) {
    throw badRequest('report_binary', 'The file is binary, not text (it holds NUL bytes).');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('report_binary', 'The file is not UTF-8 text.');
  }
}

/** What is used of linkedom's document (its own types name the DOM's, absent in Node's lib). */
interface HtmlDocument {
  title?: string;
  body?: { textContent?: string | null } | null;
}

function parseDocument(html: string): HtmlDocument {
  return (parseHTML as (html: string) => { document: HtmlDocument })(html).document;
}

/** An HTML page's article text (Readability), else its body's text. */
export function htmlToText(html: string): { text: string; title: string | null } {
  const document = parseDocument(html);
  const title = document.title?.trim() || null;
  const article = new Readability(document).parse();
  const text = article?.textContent?.trim()
    ? article.textContent
    : (parseDocument(html).body?.textContent ?? '');
  return { text: tidy(text), title: article?.title?.trim() || title };
}

async function pdfToText(bytes: Buffer): Promise<{ text: string; title: string | null }> {
  try {
    const { getDocumentProxy, extractText } = await import('unpdf');
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const { text } = await extractText(pdf, { mergePages: true });
    return { text: tidy(text), title: null };
  } catch (error) {
    throw unprocessable(
      'report_unreadable',
      `The PDF could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function docxToText(bytes: Buffer): Promise<{ text: string; title: string | null }> {
  try {
    const mammoth = await import('mammoth');
    const { value } = await mammoth.extractRawText({ buffer: bytes });
    return { text: tidy(value), title: null };
  } catch (error) {
    throw unprocessable(
      'report_unreadable',
      `The DOCX file could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Runs of blank lines and spaces made by markup, squeezed. */
function tidy(text: string): string {
  return text
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A report's text from a file's bytes and content type: plain text, HTML (its article),
 * PDF, DOCX. 415 for another type, 400 for binary or empty, 422 for a file that fails to parse.
 */
export async function readReportFile(bytes: Buffer, contentType: string): Promise<ReadText> {
  const format = formatOf(contentType, bytes);
  if (!format) {
    throw unsupportedMediaType(
      'report_type',
      `A report is plain text, HTML, PDF or DOCX, not ${contentType || 'an unnamed type'}.`,
    );
  }
  if (bytes.length === 0) throw badRequest('report_empty', 'The file is empty.');
  let read: { text: string; title: string | null };
  if (format === 'pdf') read = await pdfToText(bytes);
  else if (format === 'docx') read = await docxToText(bytes);
  else if (format === 'html') read = htmlToText(decodeText(bytes));
  else read = { text: decodeText(bytes), title: null };
  if (read.text.trim() === '') {
    throw badRequest('report_empty', `The ${format.toUpperCase()} file has no text.`);
  }
  if (read.text.length > MAX_REPORT_CHARS) {
    throw badRequest(
      'report_too_long',
      `The text has ${read.text.length} characters; a report has at most ${MAX_REPORT_CHARS}.`,
    );
  }
  return { format, ...read };
}
