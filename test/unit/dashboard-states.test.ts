// Every state badge on the dashboard has a style: the webview gives each badge the class
// `state-<state>`, and a class without a rule showed nothing of the state but its label.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { summarizePicture } from '../../src/core/analysis/summary';
import type { MigrationPicture } from '../../src/core/analysis/types';
import { STATE_CSS, STATES } from '../../webview/states';

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
    assert.match(css.get(`.state-${state}`) ?? '', /^border-left-color: var\(--vscode-[\w-]+\);$/, `.state-${state}`);
  assert.match(css.get('.state') ?? '', /border-left: 3px solid/);
});

test('the badges carry exactly the classes the rules style, and the sheet is adopted', () => {
  const main = readFileSync(join(__dirname, '../../webview/main.ts'), 'utf8');
  assert.match(main, /class: `state state-\$\{state\}`/);
  assert.match(main, /model\.states\.map/);
  assert.match(main, /adoptedStyleSheets = \[\.\.\.document\.adoptedStyleSheets, stateSheet\]/);
});
