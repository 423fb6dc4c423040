import { createInterface } from 'node:readline/promises';
import { version } from '../../package.json';
import { CancelledError, UserError } from '../core/errors';
import type { CliIo, Command } from './cli';
import { commands } from './commands/index';

/** Exit code of a run the user stopped (Ctrl+C, a "no" to the confirmation): not a failure. */
export const CANCELLED_EXIT = 130;

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  return [
    'Usage: cm2intune <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `cm2intune <command> --help` for the options of a command.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out(version);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`cm2intune: unknown command '${name}'.\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  return runCommand(command, rest, io);
}

/** Runs a command: a UserError is its one line and exit code, a cancel is quiet, anything else one line and 1. */
export async function runCommand(command: Command, rest: string[], io: CliIo): Promise<number> {
  const { name } = command;
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CancelledError) {
      io.err(`cm2intune ${name}: ${error.message}`);
      return CANCELLED_EXIT;
    }
    if (error instanceof UserError) {
      io.err(`cm2intune ${name}: ${error.message}`);
      return error.exitCode;
    }
    // Unexpected: still one line for the user; the stack only on request.
    const message = error instanceof Error ? error.message : String(error);
    io.err(`cm2intune ${name}: ${message}`);
    if (process.env.CM2INTUNE_DEBUG && error instanceof Error) io.err(error.stack ?? '');
    return 1;
  }
}

/**
 * The folder relative paths start from. `npm run cli` runs in the package folder, and INIT_CWD
 * is where the user typed the command; anywhere else (the installed binary, another package's
 * script) INIT_CWD is not ours to follow: the process's own folder is.
 */
export function workingFolder(env: NodeJS.ProcessEnv, cwd: string): string {
  const ownScript = env.npm_lifecycle_event === 'cli' && env.npm_package_name === 'cm2intune';
  return ownScript && env.INIT_CWD ? env.INIT_CWD : cwd;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  cwd: workingFolder(process.env, process.cwd()),
  env: process.env,
  async confirm(question) {
    if (!process.stdin.isTTY) return undefined;
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  },
  async ask(question) {
    if (!process.stdin.isTTY) return undefined;
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return (await rl.question(`${question} `)).trim();
    } finally {
      rl.close();
    }
  },
};

if (require.main === module) {
  main(process.argv.slice(2), processIo).then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`cm2intune: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
