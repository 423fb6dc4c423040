// The CLI's small frame: a command is a name, a one-line summary, its help text and a run
// function. Errors the user can fix are `CliError`s: one line, an exit code, never a stack.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Asks a yes/no question on the terminal; false when stdin is not a terminal. */
  confirm(question: string): Promise<boolean>;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text, starting with the usage line. */
  help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit codes: 0 ok, 1 findings or a failed run, 2 bad usage or unreadable input. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

/** `parseArgs` with strict options and a CliError (not a TypeError) on bad usage. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message.replace(/\. To specify.*$/s, '')}\n${usage}`);
  }
}
