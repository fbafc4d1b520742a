import type { Command } from 'commander';
import { formatFingerprintLines } from '../core/fingerprint.js';
import { loadConfig } from '../server/config.js';
import { loadNodeKeys } from '../server/identity/keys.js';
import { dataDirOf, printJson, wantsJson } from './common.js';

export function registerFingerprint(program: Command): void {
  program
    .command('fingerprint')
    .description("print this node's key fingerprint, to compare with a peer out of band")
    .option('--json', 'print as JSON')
    .action(async (_opts: unknown, command: Command) => {
      const dataDir = dataDirOf(command);
      const config = loadConfig(dataDir);
      const keys = await loadNodeKeys(dataDir);
      if (wantsJson(command)) {
        printJson({
          nodeId: config.node.id,
          fingerprint: keys.fingerprint,
          signingKey: keys.signing.publicJwk,
          encryptionKey: keys.encryption.publicJwk,
        });
        return;
      }
      process.stdout.write(`${config.node.name} (${config.node.id})\n`);
      for (const line of formatFingerprintLines(keys.fingerprint))
        process.stdout.write(`  ${line}\n`);
    });
}
