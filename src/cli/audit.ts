import type { Command } from 'commander';
import { verifyAudit } from '../server/audit/audit.js';
import { printJson, wantsJson, withLocalNode } from './common.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit log');
  audit
    .command('verify')
    .description('walk the hash chain and name the first entry that does not match')
    .option('--json', 'print the result as JSON')
    .action(async (_opts: unknown, command: Command) => {
      const result = await withLocalNode(command, (node) => verifyAudit(node.store.db));
      if (wantsJson(command)) printJson(result);
      else if (result.ok) {
        process.stdout.write(
          `audit chain intact: ${result.checked} entries, head ${result.head.hash}\n`,
        );
      } else {
        const bad = result.firstBad;
        process.stderr.write(
          `audit chain BROKEN at entry ${bad?.seq}${bad?.action ? ` (${bad.action})` : ''}: ${bad?.reason}\n` +
            `${result.checked} entries before it are intact.\n`,
        );
      }
      if (!result.ok) process.exitCode = 1;
    });
}
