// The dashboard's pictures as plain data, apart from main.ts so tests check them without a browser:
// states per kind as stacked bars, each phase's next action, the readiness checklist's marks, and
// the look (theme variables only, by class: the page's CSP allows no inline style).
import type { DashboardModel } from '../src/core/analysis/summary';
import type { PhaseStage, ReadinessCheckLine } from '../src/core/phases/overview';
import { ERROR_COLOR, stateColor, STATES, WARNING_COLOR, type StateKey } from './states';

export interface BarSegment {
  state: StateKey;
  label: string;
  count: number;
  /** Left edge and width in percent of the row's total. */
  x: number;
  width: number;
}

export interface KindBar {
  kind: string;
  kindId: DashboardModel['byKind'][number]['kindId'];
  total: number;
  segments: BarSegment[];
  /** The counts in words, beside the colours: "3 imported, 1 blocked". */
  text: string;
}

/** One bar per kind, its states stacked in the dashboard's order; states with no object leave no segment. */
export function kindBars(model: Pick<DashboardModel, 'byKind'>): KindBar[] {
  const r = (n: number) => Math.round(n * 100) / 100;
  return model.byKind.map((row) => {
    let x = 0;
    const segments: BarSegment[] = [];
    for (const { state, label } of STATES) {
      const count = row.counts[state];
      if (!count || !row.total) continue;
      const width = (100 * count) / row.total;
      segments.push({ state, label, count, x: r(x), width: r(width) });
      x += width;
    }
    return {
      kind: row.kind,
      kindId: row.kindId,
      total: row.total,
      segments,
      text: segments.map((s) => `${s.count} ${s.label.toLowerCase()}`).join(', '),
    };
  });
}

/** A phase's next action: the button's words and the command it runs (the extension's allow-list has it). */
export interface PhaseAction {
  label: string;
  command: string;
}

/** What to do next in a phase that is not done; undefined when it is done. */
export function phaseAction(stage: Pick<PhaseStage, 'phase' | 'standing'>): PhaseAction | undefined {
  if (stage.standing === 'done') return undefined;
  const blocked = stage.standing === 'blocked';
  switch (stage.phase) {
    case 1:
      return { label: 'Import objects', command: 'cm2intune.import' };
    case 2:
      return blocked
        ? { label: 'Fix readiness', command: 'cm2intune.fixReadiness' }
        : { label: 'Check readiness', command: 'cm2intune.checkReadiness' };
    case 3:
      return { label: 'Prepare a runbook', command: 'cm2intune.prepareWaveRunbook' };
    case 4:
      return blocked
        ? { label: 'Check the switch', command: 'cm2intune.checkAuthority' }
        : { label: 'Guided switch', command: 'cm2intune.switchAuthorityGuided' };
  }
}

/** A readiness check's mark: a shape and a word, so the state reads without its colour. */
export const CHECK_MARKS: Record<ReadinessCheckLine['state'], { icon: string; word: string }> = {
  ok: { icon: '✓', word: 'ok' },
  warning: { icon: '!', word: 'warning' },
  blocking: { icon: '✕', word: 'blocking' },
};

/** A phase's standing as a mark beside its words. */
export const STANDING_MARKS: Record<PhaseStage['standing'], string> = { done: '✓', current: '➜', blocked: '✕', todo: '○' };

/**
 * A table's narrowest width by its number of columns, about 8em a column: its headers' longest
 * words fit ("Collection", "Readiness"), so they wrap between words; narrower, the table scrolls.
 */
export const TABLE_MIN_EM: Record<number, number> = { 2: 16, 3: 24, 4: 32, 5: 40, 6: 48 };

/** The class that gives a table of `columns` columns its minimum width (the CSP allows no inline style). */
export const tableClass = (columns: number) => `table-cols-${Math.min(Math.max(columns, 2), 6)}`;

export const COCKPIT_CSS = [
  // The title names the plan's path and the tenant id: one line, cut with an ellipsis (the page sets
  // the whole title as its tooltip) rather than broken mid-word over several lines.
  'h1.title { font-size: 1.5em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }',
  // Bars: the kind, the bar, the counts in words; one column when the panel is narrow.
  '.bars { display: grid; grid-template-columns: minmax(8em, max-content) minmax(120px, 1fr); gap: 4px 12px; align-items: center; margin: 8px 0 16px; }',
  '.bars .kind { text-align: left; }',
  '.bars .counts { grid-column: 2; font-size: 0.9em; opacity: 0.9; margin-bottom: 6px; }',
  '.bar { width: 100%; height: 18px; display: block; }',
  '.bar rect { stroke: var(--vscode-contrastBorder, var(--vscode-editor-background)); stroke-width: 0.3; cursor: pointer; }',
  '.bar rect:hover, .bar rect:focus { stroke: var(--vscode-focusBorder); stroke-width: 0.8; outline: none; }',
  ...STATES.map((s) => `.seg-${s.state} { fill: ${stateColor(s)}; }`),
  '@media (max-width: 520px) { .bars { grid-template-columns: 1fr; } .bars .counts { grid-column: 1; } }',
  // The legend: each colour with its word.
  '.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; padding: 0; margin: 4px 0; }',
  '.legend li { display: flex; align-items: center; gap: 6px; }',
  '.swatch { width: 12px; height: 12px; display: inline-block; }',
  ...STATES.map((s) => `.swatch-${s.state} { background: ${stateColor(s)}; border: 1px solid var(--vscode-contrastBorder, transparent); }`),
  // Badges coloured by meaning, the state's word beside them: a tint of the state's colour under
  // the editor's own text colour, edged in the full colour, legible in light, dark and high
  // contrast alike (white on a light theme's orange or green was not).
  ...STATES.map(
    (s) =>
      `.state-${s.state} vscode-badge { --vscode-badge-background: color-mix(in srgb, ${stateColor(s)} 28%, var(--vscode-editor-background)); --vscode-badge-foreground: var(--vscode-editor-foreground); border: 1px solid ${stateColor(s)}; border-radius: 11px; }`,
  ),
  // Buttons that look like links (a kind, a check): the tree opens there.
  '.link { background: none; border: none; padding: 0; color: var(--vscode-textLink-foreground); cursor: pointer; font: inherit; text-align: left; }',
  '.link:hover { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }',
  '.link:focus-visible { outline: 1px solid var(--vscode-focusBorder); }',
  // The phases (laid out by PHASE_CSS: four columns, wrapping to fewer when narrow).
  '.stage .mark { font-weight: bold; margin-right: 4px; }',
  '.stage vscode-button { margin-top: 6px; align-self: flex-start; max-width: 100%; }',
  // Readiness as a checklist.
  '.checks { list-style: none; padding: 0; margin: 8px 0 16px; }',
  '.check { display: grid; grid-template-columns: 1.6em 1fr; gap: 2px 6px; padding: 4px 0; }',
  '.check .icon { font-weight: bold; text-align: center; }',
  '.check .summary { grid-column: 2; opacity: 0.9; }',
  '.check-ok .icon { color: var(--vscode-testing-iconPassed); }',
  `.check-warning .icon { color: ${WARNING_COLOR}; }`,
  `.check-blocking .icon { color: ${ERROR_COLOR}; }`,
  // Tables: cells wrap; a header breaks only between words (never "Mappin|g"), a long value (a
  // domain\\account) may break where it must; below its minimum width the table scrolls in its box.
  'vscode-table-cell, vscode-table-header-cell { white-space: normal; overflow: visible; height: auto; padding-top: 3px; padding-bottom: 3px; }',
  'vscode-table-header-cell { overflow-wrap: normal; word-break: normal; hyphens: manual; }',
  'vscode-table-cell { overflow-wrap: break-word; }',
  '.table-scroll { overflow-x: auto; max-width: 100%; margin-bottom: 16px; }',
  '.table-scroll:focus-visible { outline: 1px solid var(--vscode-focusBorder); }',
  '.table-scroll > vscode-table { margin-bottom: 0; }',
  ...Object.entries(TABLE_MIN_EM).map(([columns, em]) => `.${tableClass(Number(columns))} { min-width: ${em}em; }`),
  '.wave-chart svg.chart { width: 100%; max-width: 480px; height: auto; }',
  '.wave-chart .actions { margin-top: 4px; }',
].join('\n');
