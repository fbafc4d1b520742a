import { Option, type Command } from 'commander';
import { ROLES, type Role } from '../core/roles.js';
import type { UserView } from '../core/schemas/accounts.js';
import { CreateUserBody } from '../core/schemas/accounts.js';
import { cliActor, printJson, printTable, wantsJson, withLocalNode } from './common.js';

function parseRoles(text: string): Role[] {
  return text
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean) as Role[];
}

function printUsers(users: UserView[]): void {
  printTable(
    ['USERNAME', 'NAME', 'ROLES', 'STATE', 'ID'],
    users.map((u) => [
      u.username,
      u.displayName,
      u.roles.join(','),
      u.disabled ? 'disabled' : u.mustChangePassword ? 'must change password' : 'active',
      u.id,
    ]),
  );
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('manage the accounts of this node');

  user
    .command('add <username>')
    .description('add a user; prints a one-time password they must change at first login')
    .requiredOption('--name <displayName>', 'display name')
    .addOption(
      new Option('--roles <roles>', `comma-separated roles (${ROLES.join(', ')})`).default(
        'observer',
      ),
    )
    .option('--json', 'print as JSON')
    .action(async (username: string, opts: { name: string; roles: string }, command: Command) => {
      const body = CreateUserBody.parse({
        username,
        displayName: opts.name,
        roles: parseRoles(opts.roles),
      });
      const result = await withLocalNode(command, (node) =>
        node.accounts.createUser(cliActor(), body),
      );
      if (wantsJson(command)) return printJson(result);
      process.stdout.write(
        `User ${result.user.username} added (${result.user.roles.join(', ')}).\n`,
      );
      process.stdout.write(
        `One-time password: ${result.password}\n(shown only now; to be changed at first login)\n`,
      );
    });

  user
    .command('list')
    .description('list users')
    .option('--json', 'print as JSON')
    .action(async (_opts: unknown, command: Command) => {
      const users = await withLocalNode(command, (node) => node.accounts.listUsers(cliActor()));
      if (wantsJson(command)) printJson({ users });
      else printUsers(users);
    });

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${verb} <username>`)
      .description(disabled ? 'disable a user (ends their sessions)' : 'enable a disabled user')
      .option('--json', 'print as JSON')
      .action(async (username: string, _opts: unknown, command: Command) => {
        const result = await withLocalNode(command, async (node) => {
          const found = await node.accounts.findByUsername(cliActor(), username);
          return node.accounts.updateUser(cliActor(), found.id, { disabled });
        });
        if (wantsJson(command)) printJson(result);
        else
          process.stdout.write(`User ${result.username} ${disabled ? 'disabled' : 'enabled'}.\n`);
      });
  }

  user
    .command('roles <username> <roles>')
    .description('set the roles of a user (comma-separated)')
    .option('--json', 'print as JSON')
    .action(async (username: string, roles: string, _opts: unknown, command: Command) => {
      const parsed = CreateUserBody.shape.roles.parse(parseRoles(roles));
      const result = await withLocalNode(command, async (node) => {
        const found = await node.accounts.findByUsername(cliActor(), username);
        return node.accounts.updateUser(cliActor(), found.id, { roles: parsed });
      });
      if (wantsJson(command)) printJson(result);
      else
        process.stdout.write(`User ${result.username} now has roles ${result.roles.join(', ')}.\n`);
    });

  user
    .command('reset-password <username>')
    .description('set a new one-time password (the user must change it at next login)')
    .option('--json', 'print as JSON')
    .action(async (username: string, _opts: unknown, command: Command) => {
      const result = await withLocalNode(command, async (node) => {
        const found = await node.accounts.findByUsername(cliActor(), username);
        return node.accounts.resetPassword(cliActor(), found.id);
      });
      if (wantsJson(command)) printJson(result);
      else process.stdout.write(`One-time password for ${username}: ${result.password}\n`);
    });
}
