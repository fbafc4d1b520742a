import type { Command } from 'commander';
import { formatFingerprintLines } from '../core/fingerprint.js';
import { initializeNode } from '../server/setup.js';
import { dataDirOf, osUserName, printJson, wantsJson } from './common.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a node: data directory, config, signing and encryption keys, first admin')
    .requiredOption('--node-id <id>', 'short lowercase id of this node, e.g. us-doj')
    .requiredOption('--name <name>', 'display name, e.g. "United States — Department of Justice"')
    .requiredOption('--country <cc>', 'ISO 3166 two-letter country code, e.g. US')
    .option(
      '--time-zone <zone>',
      'IANA time zone of the node',
      Intl.DateTimeFormat().resolvedOptions().timeZone,
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', (v) => Number.parseInt(v, 10), 8080)
    .option('--public-url <url>', 'URL peers and browsers use to reach this node')
    .option(
      '--database-url <url>',
      'PostgreSQL connection string (default: an SQLite file in the data directory)',
    )
    .option('--admin <username>', 'username of the first administrator', 'admin')
    .option('--json', 'print the result as JSON')
    .action(async (opts: Record<string, string | number | undefined>, command: Command) => {
      const dataDir = dataDirOf(command);
      const result = await initializeNode({
        dataDir,
        nodeId: String(opts['nodeId']),
        name: String(opts['name']),
        country: String(opts['country']),
        timeZone: String(opts['timeZone']),
        host: String(opts['host']),
        port: Number(opts['port']),
        ...(opts['publicUrl'] ? { publicUrl: String(opts['publicUrl']) } : {}),
        ...(opts['databaseUrl'] ? { databaseUrl: String(opts['databaseUrl']) } : {}),
        adminUsername: String(opts['admin']),
        osUser: osUserName(),
      });
      if (wantsJson(command)) {
        printJson({
          nodeId: result.config.node.id,
          dataDir,
          fingerprint: result.fingerprint,
          admin: result.admin,
        });
        return;
      }
      const out = process.stdout;
      out.write(`Node ${result.config.node.id} created in ${dataDir}\n\n`);
      out.write('Fingerprint (read it to your peer to verify these keys):\n');
      for (const line of formatFingerprintLines(result.fingerprint)) out.write(`  ${line}\n`);
      out.write(`\nFirst administrator: ${result.admin.username}\n`);
      out.write(`One-time password:   ${result.admin.password}\n`);
      out.write('This password is shown only now. It must be changed at the first login.\n\n');
      out.write(`Start the node with: liaison serve --data ${dataDir}\n`);
    });
}
