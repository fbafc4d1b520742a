import type { Command } from 'commander';
import { formatFingerprintLines } from '../core/fingerprint.js';
import { RotateKeysBody } from '../server/federation/keys.service.js';
import { cliActor, printJson, printTable, wantsJson, withLocalNode } from './common.js';

/**
 * `liaison keys`: this node's keys. `rotate` works on the data directory whether or not the
 * node is serving: the switch is a row of its store, which every process of the node reads,
 * and the new private keys are written (mode 0600) before it (docs/federation.md).
 */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('this node’s signing and encryption keys');

  keys
    .command('rotate')
    .description(
      'make new keys and announce them to every peer, signed with the old ones; the old keys still open what peers sealed to them for the grace period',
    )
    .option('--grace-days <days>', 'how long the old keys are kept (default 7)', (v) =>
      Number.parseFloat(v),
    )
    .option('--json', 'print as JSON')
    .action(async (opts: { graceDays?: number }, command: Command) => {
      const body = RotateKeysBody.parse(
        opts.graceDays === undefined ? {} : { graceDays: opts.graceDays },
      );
      const result = await withLocalNode(command, (node) =>
        node.federation.keys.rotate(cliActor(), body),
      );
      if (wantsJson(command)) return printJson(result);
      process.stdout.write('New keys made. The new fingerprint:\n');
      for (const line of formatFingerprintLines(result.fingerprint))
        process.stdout.write(`  ${line}\n`);
      const peers = result.announced.map((a) => a.peer);
      process.stdout.write(
        peers.length > 0
          ? `Announced to ${peers.join(', ')} (signed with the old key); they pin the new keys when they apply it.\n`
          : 'No peer to tell.\n',
      );
      process.stdout.write(`The old keys are deleted after ${result.graceUntil}.\n`);
    });

  keys
    .command('list')
    .description('the current keys and the retired ones still in their grace period')
    .option('--json', 'print as JSON')
    .action(async (_opts: unknown, command: Command) => {
      const list = await withLocalNode(command, (node) => node.federation.keys.list(cliActor()));
      if (wantsJson(command)) return printJson({ keys: list });
      printTable(
        ['KID', 'USE', 'STATE', 'CREATED', 'DELETED AFTER'],
        list.map((k) => [k.kid, k.use, k.state, k.createdAt, k.expiresAt ?? '']),
      );
    });
}
