import type { Command } from 'commander';
import type { Role } from '../core/roles.js';
import { CreateTokenBody } from '../core/schemas/accounts.js';
import { cliActor, printJson, printTable, wantsJson, withLocalNode } from './common.js';

export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens for machines');

  token
    .command('create')
    .description("create an API token acting for a user, with some of that user's roles")
    .requiredOption('--user <username>', 'the user the token acts for')
    .requiredOption('--name <name>', 'what the token is for, e.g. "SOC importer"')
    .requiredOption('--roles <roles>', 'comma-separated roles (a subset of the user’s)')
    .option('--expires-in-days <days>', 'days until it expires', (v) => Number.parseInt(v, 10))
    .option('--json', 'print as JSON')
    .action(
      async (
        opts: { user: string; name: string; roles: string; expiresInDays?: number },
        command: Command,
      ) => {
        const body = CreateTokenBody.parse({
          name: opts.name,
          roles: opts.roles.split(',').map((r) => r.trim()) as Role[],
          ...(opts.expiresInDays !== undefined ? { expiresInDays: opts.expiresInDays } : {}),
        });
        const result = await withLocalNode(command, async (node) => {
          const user = await node.accounts.findByUsername(cliActor(), opts.user);
          return node.accounts.createToken(cliActor(), body, user.id);
        });
        if (wantsJson(command)) return printJson(result);
        process.stdout.write(`Token ${result.token.id} created for ${opts.user}.\n`);
        process.stdout.write(`Secret (shown only now): ${result.secret}\n`);
      },
    );

  token
    .command('list')
    .description('list active tokens')
    .option('--json', 'print as JSON')
    .action(async (_opts: unknown, command: Command) => {
      const tokens = await withLocalNode(command, (node) =>
        node.accounts.listTokens(cliActor(), { all: true }),
      );
      if (wantsJson(command)) return printJson({ tokens });
      printTable(
        ['ID', 'NAME', 'USER', 'ROLES', 'EXPIRES', 'LAST USED'],
        tokens.map((t) => [
          t.id,
          t.name,
          t.userId,
          t.roles.join(','),
          t.expiresAt ?? 'never',
          t.lastUsedAt ?? 'never',
        ]),
      );
    });

  token
    .command('revoke <id>')
    .description('revoke a token')
    .action(async (id: string, _opts: unknown, command: Command) => {
      await withLocalNode(command, (node) => node.accounts.revokeToken(cliActor(), id));
      process.stdout.write(`Token ${id} revoked.\n`);
    });
}
