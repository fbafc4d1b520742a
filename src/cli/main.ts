import { Command, CommanderError } from 'commander';
import { ZodError } from 'zod';
import { ConfigError } from '../server/config.js';
import { AppError } from '../server/errors.js';
import { KeyError } from '../server/identity/keys.js';
import { VERSION } from '../server/version.js';
import { registerAudit } from './audit.js';
import { registerBackup } from './backup.js';
import { registerFingerprint } from './fingerprint.js';
import { registerImport } from './import.js';
import { registerInit } from './init.js';
import { registerKeys } from './keys.js';
import { registerPeer } from './peer.js';
import { registerReports } from './reports.js';
import { registerRestore } from './restore.js';
import { registerServe } from './serve.js';
import { registerToken } from './token.js';
import { registerUp } from './up.js';
import { registerUser } from './user.js';

/** `liaison`: exit 0 on success, 1 on a failed operation, 2 on bad usage or configuration. */
export function buildProgram(): Command {
  const program = new Command('liaison')
    .description('Liaison: cooperation between national cybercrime authorities')
    .version(VERSION)
    .option('-d, --data <dir>', 'the node’s data directory (default: $LIAISON_DATA or ./data)')
    .showHelpAfterError()
    .exitOverride();
  registerInit(program);
  registerServe(program);
  registerUp(program);
  registerUser(program);
  registerToken(program);
  registerPeer(program);
  registerAudit(program);
  registerFingerprint(program);
  registerKeys(program);
  registerImport(program);
  registerReports(program);
  registerBackup(program);
  registerRestore(program);
  const override = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  return program;
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`liaison: ${error.message}\n`);
    return 2;
  }
  if (error instanceof ZodError) {
    const lines = error.issues.map((i) => `  - ${i.path.join('.') || 'value'}: ${i.message}`);
    process.stderr.write(`liaison: invalid input:\n${lines.join('\n')}\n`);
    return 2;
  }
  if (error instanceof AppError || error instanceof KeyError) {
    process.stderr.write(`liaison: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(
    `liaison: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
