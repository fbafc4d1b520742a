import { userInfo } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { Actor } from '../server/actor.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { createNode, type Node } from '../server/node.js';

/** The data directory: --data, else $LIAISON_DATA, else ./data. */
export function dataDirOf(command: Command): string {
  const opts = command.optsWithGlobals<{ data?: string }>();
  return path.resolve(opts.data ?? process.env['LIAISON_DATA'] ?? 'data');
}

export function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function cliActor(): Actor {
  return { kind: 'cli', osUser: osUserName() };
}

export function wantsJson(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Opens the node's store (migrated) without serving HTTP, runs fn, closes. */
export async function withLocalNode<T>(
  command: Command,
  fn: (node: Node) => Promise<T>,
): Promise<T> {
  const config = loadConfig(dataDirOf(command));
  const node = await createNode({
    config,
    log: createLogger({ level: 'warn', name: config.node.id }),
  });
  try {
    await node.store.migrate();
    return await fn(node);
  } finally {
    await node.close();
  }
}

/** Prints rows as an aligned table. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(headers)}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}
