// The item states as the dashboard shows them: label and colour, the colours the tree's icons use
// (src/extension/tree.ts). Kept apart from main.ts so a test can read it without a browser.
import type { DashboardModel } from '../src/core/analysis/summary';

export type StateKey = Exclude<keyof DashboardModel['totals'], 'all' | 'selected'>;

/**
 * `contrast`: the colour where the high-contrast themes leave `color` undefined (VS Code's registry
 * has no value for charts.orange, list.warningForeground and list.errorForeground there), which
 * would draw the state in the badge's default grey.
 */
export const STATES: { state: StateKey; label: string; color: string; contrast?: string }[] = [
  { state: 'imported', label: 'Imported', color: '--vscode-testing-iconPassed' },
  { state: 'importable', label: 'Importable', color: '--vscode-charts-blue' },
  // Orange, not the tree's yellow: in the dark themes charts.yellow and list.warningForeground (drifted) are one colour.
  { state: 'partial', label: 'Partly importable', color: '--vscode-charts-orange', contrast: '--vscode-charts-yellow' },
  { state: 'drifted', label: 'Drifted', color: '--vscode-list-warningForeground', contrast: '--vscode-charts-purple' },
  { state: 'blocked', label: 'Blocked', color: '--vscode-list-errorForeground', contrast: '--vscode-errorForeground' },
  { state: 'notImported', label: 'Not imported', color: '--vscode-disabledForeground' },
];

/** A state's colour as a CSS value: `var(<color>)`, with its high-contrast colour as the fallback. */
export const stateColor = (s: { color: string; contrast?: string }): string =>
  s.contrast ? `var(${s.color}, var(${s.contrast}))` : `var(${s.color})`;

/** The lists' error and warning colours, with the ones the high-contrast themes define in their place. */
export const ERROR_COLOR = stateColor({ color: '--vscode-list-errorForeground', contrast: '--vscode-errorForeground' });
export const WARNING_COLOR = stateColor({ color: '--vscode-list-warningForeground', contrast: '--vscode-editorWarning-foreground' });

/** One rule per `state-<state>` class the badges carry: a bar in the state's colour. */
export const STATE_CSS = [
  '.state { border-left: 3px solid transparent; padding-left: 6px; }',
  ...STATES.map((s) => `.state-${s.state} { border-left-color: ${stateColor(s)}; }`),
].join('\n');
