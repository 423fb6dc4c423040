// The CLI's small frame: a command is a name, a one-line summary, its help text and a run
// function. Errors the user can fix are the core's `UserError`s: one line, an exit code, never a stack.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Asks a yes/no question on the terminal; undefined when there is no terminal to ask on. */
  confirm(question: string): Promise<boolean | undefined>;
  /** Asks for a line of text on the terminal; undefined when there is none (or the face can't ask). */
  ask?(question: string): Promise<string | undefined>;
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

/** `parseArgs` with strict options and a UserError (not a TypeError) on bad usage. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(`${(error as Error).message.replace(/\. To specify.*$/s, '')}\n${usage}`);
  }
}

/** A number option (`--interval 30`): undefined when not given, a usage error below `min` or not a number. */
export function numberOption(text: string | undefined, name: string, min: number, usage: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) throw new UserError(`${name} must be a number of at least ${min}, not "${text}".\n${usage}`);
  return n;
}
