// The dashboard as the cockpit, its parts that need no browser: what the page may run (the
// allow-list), the bars per kind, the phases' next actions, a watch's reading drawn without a
// re-read, and the look (theme colours by class, a word beside every colour).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { summarizePicture } from '../../src/core/analysis/summary';
import type { MigrationPicture, PictureItem } from '../../src/core/analysis/types';
import { migrationStages, phasesOverview, withReading, type PhasesOverview } from '../../src/core/phases/overview';
import type { ReadinessCheck } from '../../src/core/phases/prepare';
import { DASHBOARD_COMMANDS, dashboardRun } from '../../src/extension/dashboardActions';
import { DashboardFeed } from '../../src/extension/dashboardFeed';
import { COCKPIT_CSS, kindBars, phaseAction, TABLE_MIN_EM, tableClass } from '../../webview/cockpit';
import { stateColor, STATES } from '../../webview/states';

const run = (command: string, ...args: unknown[]) => dashboardRun({ type: 'run', command, args });

describe('what the dashboard page may run', () => {
  it("a phase's command runs with the dashboard's plan and nothing the page sent", () => {
    assert.deepEqual(run('cm2intune.import'), { command: 'cm2intune.import', args: [], plan: true });
    assert.deepEqual(run('cm2intune.fixReadiness'), { command: 'cm2intune.fixReadiness', args: [], plan: true });
    assert.equal(run('cm2intune.import', 'file:///etc/other.migration.json'), undefined, 'the page names no plan');
    assert.deepEqual(run('cm2intune.objects.focus'), { command: 'cm2intune.objects.focus', args: [], plan: false });
  });

  it('a wave is verified by its name; the tree is filtered by known kinds and states only', () => {
    assert.deepEqual(run('cm2intune.verifyWave', 'Pilot'), { command: 'cm2intune.verifyWave', args: ['Pilot'], plan: true });
    assert.equal(run('cm2intune.verifyWave'), undefined);
    assert.equal(run('cm2intune.verifyWave', { toString: () => 'Pilot' }), undefined);
    assert.equal(run('cm2intune.verifyWave', 'Pilot', { timeoutMinutes: 99999 }), undefined, 'no options from the page');
    assert.deepEqual(run('cm2intune.filterTree', { kinds: ['wifi'], states: ['blocked'] }), {
      command: 'cm2intune.filterTree',
      args: [{ kinds: ['wifi'], states: ['blocked'] }],
      plan: false,
    });
    assert.deepEqual(run('cm2intune.filterTree', { kinds: ['compliance'] })?.args, [{ kinds: ['compliance'] }]);
    for (const bad of [
      { kinds: ['wifi', 'rootkit'] },
      { states: ['blocked; rm -rf'] },
      { kinds: 'wifi' },
      { kinds: [] },
      {},
      { kinds: ['wifi'], platforms: ['x'], command: 'workbench.action.terminal.sendSequence' },
      ['wifi'],
      null,
    ])
      assert.equal(run('cm2intune.filterTree', bad), undefined, JSON.stringify(bad));
  });

  it('anything else is refused: other commands, other message types, malformed messages', () => {
    for (const command of [
      'workbench.action.terminal.sendSequence',
      'vscode.open',
      '_workbench.downloadResource',
      'cm2intune.mapCollection',
      'cm2intune.excludeFromImport',
      'cm2intune.enterSitePassword',
      'CM2INTUNE.IMPORT',
      ' cm2intune.import',
    ])
      assert.equal(run(command), undefined, command);
    assert.equal(dashboardRun({ type: 'confirm', command: 'cm2intune.import', args: [] }), undefined);
    assert.equal(dashboardRun({ type: 'run', command: 'cm2intune.import', args: 'x' }), undefined);
    assert.equal(dashboardRun({ type: 'run', command: 42 }), undefined);
    assert.equal(dashboardRun('run cm2intune.import'), undefined);
    assert.equal(dashboardRun(null), undefined);
    assert.deepEqual(dashboardRun({ type: 'run', command: 'cm2intune.import' }), { command: 'cm2intune.import', args: [], plan: true });
  });

  it("every command the page asks for is on the list: each phase's next action and every run(...) in webview/main.ts", () => {
    for (const phase of [1, 2, 3, 4] as const)
      for (const standing of ['current', 'blocked', 'todo'] as const) {
        const action = phaseAction({ phase, standing })!;
        assert.ok(action, `phase ${phase} ${standing} has a next action`);
        assert.ok(run(action.command), `${action.command} is allowed`);
      }
    assert.equal(phaseAction({ phase: 1, standing: 'done' }), undefined);
    assert.equal(phaseAction({ phase: 2, standing: 'blocked' })?.command, 'cm2intune.fixReadiness');
    const main = readFileSync(join(__dirname, '../../webview/main.ts'), 'utf8');
    const asked = [...main.matchAll(/run\('(cm2intune\.[\w.]+)'/g)].map((m) => m[1]);
    assert.ok(asked.length >= 4, `the page's commands: ${asked.join(', ')}`);
    for (const command of asked) assert.ok(DASHBOARD_COMMANDS.includes(command), command);
  });

  it('the feed runs an allowed request and never a refused one', async () => {
    const listeners = new Set<(m: unknown) => void>();
    const webview = {
      postMessage: async () => true,
      onDidReceiveMessage: (l: (m: unknown) => void) => (listeners.add(l), { dispose: () => listeners.delete(l) }),
    };
    const ran: unknown[] = [];
    const feed = new DashboardFeed(webview, async (r) => void ran.push(r));
    assert.deepEqual(await feed.receive({ type: 'run', command: 'workbench.action.terminal.sendSequence', args: [{ text: 'x' }] }), {
      refused: 'workbench.action.terminal.sendSequence',
    });
    assert.deepEqual(ran, []);
    assert.deepEqual(await feed.receive({ type: 'run', command: 'cm2intune.verifyWave', args: ['Pilot'] }), {
      ran: 'cm2intune.verifyWave',
    });
    assert.deepEqual(ran, [{ command: 'cm2intune.verifyWave', args: ['Pilot'], plan: true }]);
    // Through the page's channel too.
    for (const l of listeners) l({ type: 'run', command: 'cm2intune.objects.focus', args: [] });
    await new Promise((r) => setImmediate(r));
    assert.equal(ran.length, 2);
    feed.dispose();
  });
});

const item = (kind: string, state: PictureItem['state']) =>
  ({ key: `${kind}-${state}`, selected: true, state, translation: { source: { kind, name: kind } } }) as unknown as PictureItem;

describe('states per kind as bars', () => {
  const picture = {
    items: [
      item('wifi', 'imported'),
      item('wifi', 'imported'),
      item('wifi', 'blocked'),
      item('wifi', 'partial'),
      item('compliance', 'importable'),
    ],
    groups: [],
    order: [],
    findings: [],
  } as unknown as MigrationPicture;
  const model = summarizePicture('Contoso', picture);

  it('one bar a kind, the kind id for the tree filter, segments in the states order sized by share, the counts in words', () => {
    const bars = kindBars(model);
    assert.deepEqual(
      bars.map((b) => [b.kind, b.kindId, b.total]),
      [
        ['compliance policy', 'compliance', 1],
        ['Wi-Fi profile', 'wifi', 4],
      ],
    );
    const wifi = bars[1];
    assert.deepEqual(
      wifi.segments.map((s) => [s.state, s.count, s.x, s.width]),
      [
        ['imported', 2, 0, 50],
        ['partial', 1, 50, 25],
        ['blocked', 1, 75, 25],
      ],
      'no segment for a state with no object',
    );
    assert.equal(wifi.text, '2 imported, 1 partly importable, 1 blocked');
    assert.deepEqual(bars[0].segments, [{ state: 'importable', label: 'Importable', count: 1, x: 0, width: 100 }]);
  });

  it('shares of three add up to the whole bar', () => {
    const thirds = kindBars({
      byKind: [
        { kind: 'app', kindId: 'app', total: 3, counts: { ...model.byKind[0].counts, importable: 0, imported: 1, partial: 1, blocked: 1 } },
      ],
    })[0];
    const last = thirds.segments[thirds.segments.length - 1];
    assert.ok(Math.abs(last.x + last.width - 100) < 0.05, `${last.x} + ${last.width}`);
  });
});

describe("a watch's reading on the open dashboard", () => {
  const overview: PhasesOverview = {
    readiness: { counts: { ok: 8, warning: 0, blocking: 0 }, ready: true },
    authority: { done: false, blocked: false, summary: 'nothing blocks the switch; checklist 0 of 5 step(s) done' },
    waves: [
      {
        name: 'Pilot',
        status: 'applied on the site, devices 1 of 3 in Intune',
        moved: 1,
        expected: 3,
        series: [{ at: '2026-11-30T10:00:00Z', moved: 1, expected: 3 }],
      },
      { name: 'Sales', status: 'planned', moved: 0, expected: 0, series: [] },
    ],
  };
  const objects = { selected: 5, imported: 5, importable: 0, partial: 0, drifted: 0, blocked: 0 };

  it("moves the wave's line and count, leaves the other waves; all moved, phase 3 stands done once every wave is", () => {
    const moved = withReading(overview, {
      kind: 'wave',
      wave: 'pilot',
      at: '2026-11-30T10:05:00Z',
      moved: 3,
      expected: 3,
      state: 'verified',
    });
    assert.deepEqual(moved.waves[0].series.at(-1), { at: '2026-11-30T10:05:00Z', moved: 3, expected: 3 });
    assert.equal(moved.waves[0].moved, 3);
    assert.match(moved.waves[0].status, /^verified \(devices 3 of 3 in Intune\)$/);
    assert.deepEqual(moved.waves[1], overview.waves[1]);
    assert.equal(overview.waves[0].moved, 1, 'the overview shown before is not changed');
    const same = withReading(moved, { kind: 'wave', wave: 'Pilot', at: '2026-11-30T10:06:00Z', moved: 3, expected: 3, state: 'verified' });
    assert.equal(same.waves[0].series.length, 2, 'the same count again draws no new point');
    const stages = migrationStages({ objects, phases: same }).stages;
    assert.equal(stages[2].summary, '1 of 2 wave(s) verified');
  });

  it("phase 4's standing follows the switch as devices switch", () => {
    const switching = withReading(overview, {
      kind: 'authority',
      at: '2026-11-30T11:00:00Z',
      state: 'switching',
      switched: 2,
      expected: 7,
    });
    assert.deepEqual(switching.authority, { done: false, blocked: false, summary: 'switching: 2 of 7 device(s) switched' });
    const removed = withReading(overview, { kind: 'authority', at: '2026-11-30T11:00:00Z', state: 'removed', switched: 0, expected: 7 });
    assert.equal(removed.authority?.blocked, true);
    const notYet = withReading(overview, { kind: 'authority', at: '2026-11-30T11:00:00Z', state: 'notSwitched', switched: 0, expected: 7 });
    assert.deepEqual(notYet.authority, overview.authority, 'not switched yet: the preflight and checklist standing stays');
  });
});

describe('readiness as a checklist', () => {
  it('each check with its state, and whether "Fix readiness" can fix it (the page runs the fix or shows the tree)', () => {
    const check = (id: ReadinessCheck['id'], state: ReadinessCheck['state'], fixSteps: string[]): ReadinessCheck => ({
      id,
      title: `${id} title`,
      state,
      summary: `${id} summary`,
      evidence: [],
      fixSteps,
    });
    const overview = phasesOverview(
      {
        readiness: {
          ok: true,
          value: {
            checks: [check('licences', 'blocking', ['assign-licence-1']), check('ndes-connector', 'warning', [])],
            steps: [],
            blocking: 1,
          },
        },
        readinessByWave: [],
        waves: [],
      },
      '2026-11-30T10:00:00Z',
    );
    assert.ok('checks' in overview.readiness);
    assert.deepEqual(
      overview.readiness.checks?.map((c) => [c.id, c.state, c.fixable]),
      [
        ['licences', 'blocking', true],
        ['ndes-connector', 'warning', false],
      ],
    );
  });
});

describe('the look', () => {
  it('every state has a bar colour, a legend swatch and a badge colour, all theme variables, by class', () => {
    for (const s of STATES) {
      const color = stateColor(s);
      assert.ok(COCKPIT_CSS.includes(`.seg-${s.state} { fill: ${color}; }`), `.seg-${s.state}`);
      assert.ok(COCKPIT_CSS.includes(`.swatch-${s.state} { background: ${color};`), `.swatch-${s.state}`);
      // The badge's text is the editor's, on a tint of the state's colour, edged in the full colour.
      const badge = new RegExp(`\\.state-${s.state} vscode-badge \\{([^}]*)\\}`).exec(COCKPIT_CSS)?.[1] ?? '';
      assert.ok(
        badge.includes(`--vscode-badge-background: color-mix(in srgb, ${color} 28%, var(--vscode-editor-background))`),
        `badge ${s.state}`,
      );
      assert.ok(badge.includes('--vscode-badge-foreground: var(--vscode-editor-foreground)'), `badge text ${s.state}`);
      assert.ok(badge.includes(`border: 1px solid ${color}`), `badge edge ${s.state}`);
    }
    assert.doesNotMatch(COCKPIT_CSS, /#[0-9a-f]{3,6}\b|rgb\(/i, 'theme variables, not fixed colours');
    assert.match(COCKPIT_CSS, /vscode-table-cell[^{]*\{ white-space: normal;/, 'table cells wrap instead of cutting text off');
  });

  it('the page sets no inline style (the CSP forbids it) and words every colour', () => {
    const main = readFileSync(join(__dirname, '../../webview/main.ts'), 'utf8');
    assert.doesNotMatch(main, /\.style\b|'style'|innerHTML|insertAdjacentHTML/);
    assert.match(main, /document\.createTextNode\(s\.label\)/, 'the legend names each colour');
  });

  // Seen in a narrow third editor group: the title wrapped over four lines mid-path, the tables cut off their last columns.
  it('in a narrow editor group: the title stays one line (ellipsis, tooltip), headers break between words, tables scroll in their box', () => {
    const rule = (selector: string) => COCKPIT_CSS.split('\n').find((line) => line.startsWith(`${selector} {`)) ?? '';
    assert.match(rule('h1.title'), /white-space: nowrap; overflow: hidden; text-overflow: ellipsis;/);
    assert.match(rule('vscode-table-header-cell'), /overflow-wrap: normal; word-break: normal;/);
    assert.doesNotMatch(COCKPIT_CSS, /overflow-wrap: anywhere|word-break: break-all/, 'nothing breaks a word at any letter');
    assert.match(rule('.table-scroll'), /overflow-x: auto;/);
    // Every table of the page gets a minimum width that fits its headers' longest words (about 8em a column).
    for (const columns of [4, 5]) {
      const em = Number(/min-width: (\d+)em/.exec(rule(`.${tableClass(columns)}`))?.[1]);
      assert.ok(em >= columns * 8, `${columns} columns: min-width ${em}em`);
      assert.equal(em, TABLE_MIN_EM[columns]);
    }
    const main = readFileSync(join(__dirname, '../../webview/main.ts'), 'utf8');
    assert.match(main, /el\('h1', model\.title, \{ class: 'title', title: model\.title \}\)/, 'the whole title is the tooltip');
    assert.match(main, /el\('vscode-table-header-cell', h, \{ title: h \}\)/, "a header's whole text is its tooltip");
    assert.match(main, /class: tableClass\(headers\.length\)/);
    assert.match(main, /el\('div', undefined, \{ class: 'table-scroll'/);
    assert.doesNotMatch(main, /responsive: ''/, 'no stacked mode: it never applies once the table has a minimum width');
  });
});
