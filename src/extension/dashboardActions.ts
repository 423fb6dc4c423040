// What the dashboard's buttons and pictures may run. The page posts `{ type: 'run', command, args }`;
// the extension runs only what `dashboardRun` lets through: a webview's messages are untrusted (a
// name from the site rendered in it must never become a command), so the command is one of a
// fixed list and its arguments are checked field by field. No vscode import: tested in plain Node.
import { KIND_LABELS, STATE_LABELS } from '../core/analysis/selection';
import type { ItemState } from '../core/analysis/types';
import type { TranslationKind } from '../core/translate/types';

// The words' tables name every state and kind: one list to keep.
const STATES = Object.keys(STATE_LABELS) as ItemState[];
const KINDS = Object.keys(KIND_LABELS) as TranslationKind[];

/** The tree's filter as the dashboard asks for it (B's `cm2intune.filterTree`). */
export interface TreeFilter {
  kinds?: TranslationKind[];
  states?: ItemState[];
}

/** A command the extension runs for the page; `plan: true` puts the dashboard's plan first in its arguments. */
export interface DashboardRun {
  command: string;
  args: unknown[];
  plan: boolean;
}

/** Commands of a phase that take the plan and nothing from the page. */
const PLAN_COMMANDS = new Set([
  'cm2intune.import',
  'cm2intune.checkReadiness',
  'cm2intune.fixReadiness',
  'cm2intune.prepareWaveRunbook',
  'cm2intune.checkAuthority',
  'cm2intune.switchAuthorityGuided',
  'cm2intune.verifyAuthority',
]);

/** Commands with no arguments at all. */
const BARE_COMMANDS = new Set(['cm2intune.objects.focus', 'cm2intune.clearTreeFilter', 'cm2intune.refresh']);

/** Every command the page may ask for, for the docs and the tests. */
export const DASHBOARD_COMMANDS: readonly string[] = [
  ...PLAN_COMMANDS,
  ...BARE_COMMANDS,
  'cm2intune.filterTree',
  'cm2intune.verifyWave',
].sort();

const listOf = <T extends string>(value: unknown, allowed: readonly T[]): T[] | undefined =>
  Array.isArray(value) && value.length > 0 && value.length <= allowed.length && value.every((v) => allowed.includes(v as T))
    ? (value as T[])
    : undefined;

/**
 * The command a page message asks for, with the arguments the extension will pass, or undefined
 * when the message is not a run of an allowed command with well-formed arguments.
 */
export function dashboardRun(message: unknown): DashboardRun | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, command, args = [] } = message as { type?: unknown; command?: unknown; args?: unknown };
  if (type !== 'run' || typeof command !== 'string' || !Array.isArray(args)) return undefined;
  const given = args as unknown[];
  if (PLAN_COMMANDS.has(command) || BARE_COMMANDS.has(command))
    return args.length === 0 ? { command, args: [], plan: PLAN_COMMANDS.has(command) } : undefined;
  if (command === 'cm2intune.verifyWave') {
    const [wave] = given;
    return given.length === 1 && typeof wave === 'string' && wave.trim() && wave.length <= 200
      ? { command, args: [wave], plan: true }
      : undefined;
  }
  if (command === 'cm2intune.filterTree') {
    const [filter] = args as [unknown];
    if (args.length !== 1 || typeof filter !== 'object' || filter === null || Array.isArray(filter)) return undefined;
    const { kinds, states, ...rest } = filter as Record<string, unknown>;
    if (Object.keys(rest).length > 0) return undefined;
    const clean: TreeFilter = {};
    if (kinds !== undefined) {
      const k = listOf(kinds, KINDS);
      if (!k) return undefined;
      clean.kinds = k;
    }
    if (states !== undefined) {
      const s = listOf(states, STATES);
      if (!s) return undefined;
      clean.states = s;
    }
    return clean.kinds || clean.states ? { command, args: [clean], plan: false } : undefined;
  }
  return undefined;
}
