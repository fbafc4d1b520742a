import type { Command } from 'commander';
import { loadConfig } from '../server/config.js';
import { createNode } from '../server/node.js';
import { dataDirOf } from './common.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the node: HTTP API, web app and background workers')
    .action(async (_opts: unknown, command: Command) => {
      const config = loadConfig(dataDirOf(command));
      const node = await createNode({ config });
      const url = await node.listen();
      node.log.info({ url, nodeId: config.node.id, store: node.store.dialect }, 'node listening');
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        node.log.info({ signal }, 'stopping');
        node
          .close()
          .then(() => process.exit(0))
          .catch((error: unknown) => {
            node.log.error({ err: error }, 'stop failed');
            process.exit(1);
          });
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
