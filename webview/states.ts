// The item states as the dashboard shows them: label and colour, the colours the tree's icons use
// (src/extension/tree.ts). Kept apart from main.ts so a test can read it without a browser.
import type { DashboardModel } from '../src/core/analysis/summary';

export type StateKey = Exclude<keyof DashboardModel['totals'], 'all' | 'selected'>;

export const STATES: { state: StateKey; label: string; color: string }[] = [
  { state: 'imported', label: 'Imported', color: '--vscode-testing-iconPassed' },
  { state: 'importable', label: 'Importable', color: '--vscode-charts-blue' },
  // Orange, not the tree's yellow: in the dark themes charts.yellow and list.warningForeground (drifted) are one colour.
  { state: 'partial', label: 'Partly importable', color: '--vscode-charts-orange' },
  { state: 'drifted', label: 'Drifted', color: '--vscode-list-warningForeground' },
  { state: 'blocked', label: 'Blocked', color: '--vscode-list-errorForeground' },
  { state: 'notImported', label: 'Not imported', color: '--vscode-disabledForeground' },
];

/** One rule per `state-<state>` class the badges carry: a bar in the state's colour. */
export const STATE_CSS = [
  '.state { border-left: 3px solid transparent; padding-left: 6px; }',
  ...STATES.map((s) => `.state-${s.state} { border-left-color: var(${s.color}); }`),
].join('\n');
