import path from 'node:path';
import type { Command } from 'commander';
import { Tlp } from '../core/schemas/cases.js';
import type { ImportJobView } from '../core/schemas/imports.js';
import type { ImportSource } from '../server/features/cases/public.js';
import { cliActor, printJson, printTable, wantsJson, withLocalNode } from './common.js';

/** How many of the errors the end of a run prints (all are in the API and `--json`). */
const ERRORS_SHOWN = 20;

/** `liaison import stix|misp FILE|URL --case ID`: a bulk import with a progress bar. */
export function registerImport(program: Command): void {
  const command = program
    .command('import')
    .description('bulk import into a case: STIX 2.1 bundles (any size, streamed) or MISP events');
  for (const format of ['stix', 'misp'] as const) {
    command
      .command(`${format} <source>`)
      .description(
        format === 'stix'
          ? 'import a STIX 2.1 bundle (a file or an http(s) URL); run it again to resume after an interruption'
          : 'import a MISP event (JSON export): attributes and objects become STIX, tlp: tags markings',
      )
      .requiredOption('--case <id>', 'the case to import into')
      .option('--tlp <level>', 'marking for objects without their own TLP marking', 'amber')
      .option('--json', 'print the outcome as JSON')
      .action(async (source: string, opts: { case: string; tlp: string }, sub: Command) => {
        const tlp = Tlp.parse(opts.tlp);
        const from: ImportSource = /^https?:\/\//i.test(source)
          ? { kind: 'url', url: source }
          : { kind: 'file', path: path.resolve(source) };
        const json = wantsJson(sub);
        const bar = json ? undefined : new ProgressBar();
        const { job, errors } = await withLocalNode(sub, async (node) => {
          const started = await node.imports.begin(cliActor(), {
            caseId: opts.case,
            format,
            tlp,
            source: from,
          });
          if (!json && Number(started.resume_offset) > 0) {
            process.stderr.write(
              `Resuming import ${started.id} at byte ${started.resume_offset} (object ${started.resume_index}).\n`,
            );
          }
          const onSignal = () => void node.imports.interruptAll().finally(() => process.exit(130));
          process.once('SIGINT', onSignal);
          try {
            const ended = await node.imports.run(started, from, (view) => bar?.update(view));
            const errors = await node.imports.errors(cliActor(), ended.id, {
              after: 0,
              limit: json ? 1000 : ERRORS_SHOWN,
            });
            return { job: ended, errors };
          } finally {
            process.off('SIGINT', onSignal);
          }
        });
        bar?.done();
        if (json) return printJson({ import: job, errors: errors.errors });
        printSummary(job);
        if (errors.errors.length > 0) {
          process.stdout.write('\nNot imported:\n');
          printTable(
            ['#', 'OBJECT', 'REASON'],
            errors.errors.map((e) => [
              e.position === null || e.position < 0 ? '-' : String(e.position + 1),
              e.objectId ?? '',
              e.reason,
            ]),
          );
          if (job.failed > errors.errors.length) {
            process.stdout.write(
              `… and ${job.failed - errors.errors.length} more (GET /api/imports/${job.id}/errors, or --json).\n`,
            );
          }
        }
        if (job.status !== 'done') process.exitCode = 1;
      });
  }
}

function printSummary(job: ImportJobView): void {
  const lines = [
    `Import ${job.id} into case ${job.caseId}: ${job.status}${job.message ? ` — ${job.message}` : ''}`,
    `  read ${job.read}, imported ${job.imported}, updated ${job.updated}, unchanged ${job.unchanged}, added from other cases ${job.elsewhere}, not imported ${job.failed}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** A one-line progress bar on stderr: share done, objects, objects/s, ETA. */
class ProgressBar {
  private readonly began = Date.now();
  private readonly tty = process.stderr.isTTY === true;
  private lastLine = 0;
  private firstBytes: number | null = null;
  private firstRead = 0;

  update(job: ImportJobView): void {
    const now = Date.now();
    if (this.firstBytes === null) {
      this.firstBytes = job.bytesRead;
      this.firstRead = job.read;
    }
    if (!this.tty && now - this.lastLine < 5000 && job.status === 'running') return;
    this.lastLine = now;
    const seconds = Math.max(0.001, (now - this.began) / 1000);
    const rate = (job.read - this.firstRead) / seconds;
    const byteRate = (job.bytesRead - (this.firstBytes ?? 0)) / seconds;
    const total = job.bytesTotal;
    const share = total ? Math.min(1, job.bytesRead / total) : null;
    const width = 30;
    const filled = share === null ? 0 : Math.round(share * width);
    const bar =
      share === null
        ? ''
        : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(1)}% `;
    const eta = total && byteRate > 0 ? ` ETA ${duration((total - job.bytesRead) / byteRate)}` : '';
    const line = `${bar}${job.read.toLocaleString('en')} objects, ${Math.round(rate).toLocaleString('en')}/s, ${job.failed} not imported${eta}`;
    process.stderr.write(this.tty ? `\r${line}\u001b[K` : `${line}\n`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}
