// Every state badge on the dashboard has a style: the webview gives each badge the class
// `state-<state>`, and a class without a rule showed nothing of the state but its label.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { summarizePicture } from '../../src/core/analysis/summary';
import type { MigrationPicture } from '../../src/core/analysis/types';
import { COCKPIT_CSS } from '../../webview/cockpit';
import { PHASE_CSS } from '../../webview/phases';
import { STATE_CSS, stateColor, STATES } from '../../webview/states';

/** `.state-imported { border-left-color: var(--vscode-testing-iconPassed); }` -> selector -> declarations. */
function rules(css: string): Map<string, string> {
  return new Map([...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].map((m) => [m[1].trim(), m[2].trim()]));
}

test('every state the dashboard counts has a label and a rule for its class, in a theme colour', () => {
  const empty = { items: [], groups: [], order: [], findings: [] } as unknown as MigrationPicture;
  const counted = Object.keys(summarizePicture('x', empty).totals).filter((k) => k !== 'all' && k !== 'selected');
  assert.deepEqual(STATES.map((s) => s.state).sort(), counted.sort());
  const css = rules(STATE_CSS);
  for (const { state } of STATES)
    assert.match(
      css.get(`.state-${state}`) ?? '',
      /^border-left-color: var\(--vscode-[\w-]+(, var\(--vscode-[\w-]+\))?\);$/,
      `.state-${state}`,
    );
  assert.match(css.get('.state') ?? '', /border-left: 3px solid/);
});

test('the badges carry exactly the classes the rules style, and the sheet is adopted', () => {
  const main = readFileSync(join(__dirname, '../../webview/main.ts'), 'utf8');
  assert.match(main, /class: `state state-\$\{state\}`/);
  assert.match(main, /model\.states\.map/);
  assert.match(main, /adoptedStyleSheets = \[\.\.\.document\.adoptedStyleSheets, stateSheet\]/);
});

/**
 * The theme colours VS Code 1.139's registry leaves undefined in Dark/Light High Contrast (`hcDark: null,
 * hcLight: null`, or derived from one that is): a state drawn only in one of them is the badge's grey there.
 */
const UNDEFINED_IN_HIGH_CONTRAST = new Set([
  '--vscode-list-errorForeground',
  '--vscode-list-warningForeground',
  '--vscode-charts-orange',
  '--vscode-editor-findMatchHighlightBackground',
]);

test('in the high-contrast themes every state still has a colour of its own', () => {
  const shown = STATES.map((s) => {
    const used = UNDEFINED_IN_HIGH_CONTRAST.has(s.color) ? s.contrast : s.color;
    assert.ok(used, `${s.state}: ${s.color} is undefined in the high-contrast themes and has no fallback`);
    assert.ok(!UNDEFINED_IN_HIGH_CONTRAST.has(used), `${s.state}: its fallback ${used} is undefined there too`);
    return used;
  });
  assert.equal(new Set(shown).size, STATES.length, `two states share a colour: ${shown.join(', ')}`);
  assert.equal(stateColor(STATES.find((s) => s.state === 'blocked')!), 'var(--vscode-list-errorForeground, var(--vscode-errorForeground))');
});

test("no rule of the dashboard's uses a colour the high-contrast themes leave undefined without a fallback", () => {
  for (const [name, css] of Object.entries({ STATE_CSS, PHASE_CSS, COCKPIT_CSS }))
    for (const colour of UNDEFINED_IN_HIGH_CONTRAST)
      assert.ok(!css.includes(`var(${colour})`), `${name} uses var(${colour}) without a fallback`);
});

test('the tree draws its icons in colours the high-contrast themes define too', () => {
  // The tree's ThemeColor ids are the CSS variables without `--vscode-` and with dots.
  const tree = readFileSync(join(__dirname, '../../src/extension/tree.ts'), 'utf8');
  const ids = new Set([...tree.matchAll(/color: '([a-zA-Z.]+)'|icon\('[a-z-]+', '([a-zA-Z.]+)'\)/g)].map((m) => m[1] ?? m[2]));
  assert.ok(ids.has('errorForeground') && ids.has('testing.iconPassed'), `the tree's colours were read: ${[...ids].join(', ')}`);
  for (const id of ids) assert.ok(!UNDEFINED_IN_HIGH_CONTRAST.has(`--vscode-${id.replace(/\./g, '-')}`), `the tree uses ${id}`);
});
