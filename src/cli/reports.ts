import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { Tlp } from '../core/schemas/cases.js';
import { MAX_REPORT_BYTES } from '../core/schemas/reports.js';
import { loadConfig, publicUrlOf } from '../server/config.js';
import { AppError, badRequest } from '../server/errors.js';
import { dataDirOf, printJson, printTable, wantsJson } from './common.js';
import {
  archiveKindOf,
  entryFilename,
  entryLabel,
  readArchive,
  type ArchiveEntry,
} from './report-archives.js';

/** The files a folder gives, by extension, with the content type they are sent as. */
const TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain; charset=utf-8',
  '.text': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.xhtml': 'application/xhtml+xml',
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

interface Target {
  label: string;
  url?: string;
  file?: string;
  /** An archive's entry: its name inside the archive, and its bytes or why it is refused. */
  entry?: ArchiveEntry;
}

interface Outcome {
  source: string;
  id: string | null;
  clusterId: string | null;
  indicators: number;
  claims: number;
  committed: string | null;
  error: string | null;
}

interface Client {
  base: string;
  token: string;
}

function isReport(name: string): boolean {
  return TYPES[path.extname(name).toLowerCase()] !== undefined;
}

/** Files of a folder, recursively, sorted; only the types a report may have, and archives. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile() && (isReport(entry.name) || archiveKindOf(entry.name))) out.push(full);
  }
  return out;
}

async function targetsOf(sources: readonly string[]): Promise<Target[]> {
  const targets: Target[] = [];
  for (const source of sources) {
    if (/^https?:\/\//i.test(source)) {
      targets.push({ label: source, url: source });
      continue;
    }
    const full = path.resolve(source);
    const info = await stat(full).catch(() => null);
    if (!info) throw badRequest('no_such_file', `${source}: no such file or folder.`);
    const files = info.isDirectory()
      ? (await walk(full)).map((file) => ({ label: path.relative(process.cwd(), file), file }))
      : [{ label: source, file: full }];
    for (const { label, file } of files) {
      if (archiveKindOf(file)) targets.push(...(await archiveTargets(file, label)));
      else targets.push({ label, file });
    }
  }
  return targets;
}

/** The report entries of an archive; an archive refused whole is one refused target. */
async function archiveTargets(file: string, label: string): Promise<Target[]> {
  try {
    const entries = await readArchive(file, label, isReport);
    return entries.map((entry) => ({ label: entryLabel(label, entry.name), file, entry }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [{ label, file, entry: { name: '', bytes: null, error: message } }];
  }
}

/** What a file or an archive's entry sends: its content type, name and bytes. */
async function uploadOf(target: Target): Promise<{ type: string; name: string; bytes: Buffer }> {
  const { entry } = target;
  if (entry) {
    if (entry.error !== null || entry.bytes === null) {
      throw badRequest('archive_entry_refused', entry.error ?? `${target.label}: unreadable.`);
    }
    const type = TYPES[path.extname(entry.name).toLowerCase()] ?? 'text/plain; charset=utf-8';
    return { type, name: entryFilename(entry.name), bytes: entry.bytes };
  }
  const file = target.file!;
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'text/plain; charset=utf-8';
  const size = (await stat(file)).size;
  if (size > MAX_REPORT_BYTES) {
    throw badRequest(
      'report_too_long',
      `${target.label}: ${size} bytes; a report file has at most ${MAX_REPORT_BYTES}.`,
    );
  }
  return { type, name: path.basename(file), bytes: await readFile(file) };
}

async function request(
  client: Client,
  method: string,
  url: string,
  body?: unknown,
  raw?: { type: string; bytes: Buffer },
) {
  const response = await fetch(`${client.base}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${client.token}`,
      ...(raw
        ? { 'content-type': raw.type }
        : body !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
    },
    ...(raw ? { body: raw.bytes } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    const error = json['error'] as { code?: string; message?: string } | undefined;
    throw new AppError(
      error?.code ?? 'request_failed',
      response.status,
      error?.message ?? `${method} ${url}: ${response.status}`,
    );
  }
  return json;
}

/** Ingests one file or URL; with a case, accepts every extraction and commits them. */
async function addOne(
  client: Client,
  target: Target,
  commit: { caseId: string; tlp: string } | null,
): Promise<Outcome> {
  let report: Record<string, unknown>;
  if (target.url) {
    report = await request(client, 'POST', '/api/reports/url', { url: target.url });
  } else {
    const upload = await uploadOf(target);
    const query = new URLSearchParams({ filename: upload.name });
    report = await request(client, 'POST', `/api/reports/upload?${query.toString()}`, undefined, {
      type: upload.type,
      bytes: upload.bytes,
    });
  }
  let committed: string | null = null;
  if (commit) {
    const items = [
      ...(report['indicators'] as { index: number }[]).map((i) => ({
        kind: 'indicator',
        index: i.index,
        state: 'accepted',
      })),
      ...(report['entities'] as { index: number }[]).map((e) => ({
        kind: 'entity',
        index: e.index,
        state: 'accepted',
      })),
      ...(report['claims'] as { index: number }[]).map((c) => ({
        kind: 'claim',
        index: c.index,
        state: 'accepted',
      })),
    ];
    if (items.length > 0) {
      const id = String(report['id']);
      await request(client, 'POST', `/api/reports/${id}/review`, { items });
      const done = await request(client, 'POST', `/api/reports/${id}/commit`, commit);
      committed = String(done['stixId']);
    }
  }
  return {
    source: target.label,
    id: String(report['id']),
    clusterId: String(report['clusterId']),
    indicators: (report['indicators'] as unknown[]).length,
    claims: (report['claims'] as unknown[]).length,
    committed,
    error: null,
  };
}

function clientOf(command: Command, opts: { url?: string; token?: string }): Client {
  const token = opts.token ?? process.env['LIAISON_TOKEN'];
  if (!token) {
    throw badRequest(
      'token_required',
      'An API token is needed: --token or $LIAISON_TOKEN (liaison token create).',
    );
  }
  const base =
    opts.url ?? process.env['LIAISON_URL'] ?? publicUrlOf(loadConfig(dataDirOf(command)));
  return { base: base.replace(/\/$/, ''), token };
}

/**
 * `liaison reports add PATH|URL… [--case ID]`: files, folders (recursively: .txt .md .html
 * .pdf .docx), archives (.zip .tar .tar.gz .tgz: their entries of those types, read in
 * memory, named `archive.zip!dir/file.txt`; report-archives.ts) and URLs ingested through
 * the node's HTTP API, one line of progress each. A file or entry refused is named in the
 * results and the others still go. With --case, every extraction is accepted and committed
 * to the case under --tlp.
 */
export function registerReports(program: Command): void {
  const command = program
    .command('reports')
    .description('reports: news and analytic texts, their extractions and stories');
  command
    .command('add <sources...>')
    .description(
      'ingest files, folders, archives (.zip .tar .tar.gz .tgz) and URLs through the node HTTP API (a token: --token or $LIAISON_TOKEN)',
    )
    .option('--case <id>', 'accept every extraction and commit each report to this case')
    .option('--tlp <level>', 'the marking of what is committed', 'amber')
    .option('--url <url>', 'the node (default: $LIAISON_URL, else its public URL)')
    .option('--token <token>', 'an API token (default: $LIAISON_TOKEN)')
    .option('--json', 'print the outcome as JSON')
    .action(
      async (
        sources: string[],
        opts: { case?: string; tlp: string; url?: string; token?: string },
        sub: Command,
      ) => {
        const client = clientOf(sub, opts);
        const commit = opts.case ? { caseId: opts.case, tlp: Tlp.parse(opts.tlp) } : null;
        const targets = await targetsOf(sources);
        const json = wantsJson(sub);
        const outcomes: Outcome[] = [];
        for (const [n, target] of targets.entries()) {
          let outcome: Outcome;
          try {
            outcome = await addOne(client, target, commit);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            outcome = {
              source: target.label,
              id: null,
              clusterId: null,
              indicators: 0,
              claims: 0,
              committed: null,
              error: message,
            };
          }
          outcomes.push(outcome);
          if (!json) {
            const what = outcome.error
              ? `refused: ${outcome.error}`
              : `report ${outcome.id}, story ${outcome.clusterId}, ${outcome.indicators} indicators, ${outcome.claims} claims${outcome.committed ? `, committed as ${outcome.committed}` : ''}`;
            process.stderr.write(`[${n + 1}/${targets.length}] ${target.label}: ${what}\n`);
          }
        }
        const failed = outcomes.filter((o) => o.error).length;
        if (json) printJson({ reports: outcomes, failed });
        else {
          printTable(
            ['SOURCE', 'REPORT', 'STORY', 'INDICATORS', 'CLAIMS'],
            outcomes
              .filter((o) => !o.error)
              .map((o) => [
                o.source,
                o.id ?? '',
                o.clusterId ?? '',
                String(o.indicators),
                String(o.claims),
              ]),
          );
          process.stdout.write(`${outcomes.length - failed} ingested, ${failed} refused.\n`);
        }
        if (failed > 0) process.exitCode = 1;
      },
    );
}
