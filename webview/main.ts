// The dashboard webview: renders the DashboardModel the extension posts. Text goes in through
// textContent only, never as HTML, so names from the site can't inject markup.
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { DashboardModel } from '../src/core/analysis/summary';
import type { GuideView, PhaseStage, PhasesOverview, ReadinessCheckLine } from '../src/core/phases/overview';
import { CHECK_MARKS, COCKPIT_CSS, kindBars, phaseAction, STANDING_MARKS, tableClass } from './cockpit';
import { GUIDE_CSS, renderGuide } from './guide';
import { chartGeometry, PHASE_CSS } from './phases';
import { STATE_CSS, STATES } from './states';

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// A constructed stylesheet, as the elements style themselves: the page's CSP allows no inline style.
const stateSheet = new CSSStyleSheet();
stateSheet.replaceSync(`${STATE_CSS}\n${PHASE_CSS}\n${COCKPIT_CSS}\n${GUIDE_CSS}`);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, stateSheet];

function el<K extends keyof HTMLElementTagNameMap>(tag: K | string, text?: string, attrs: Record<string, string> = {}): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function table(headers: string[], rows: string[][], widths?: string): HTMLElement {
  // A narrow editor group scrolls the table inside its own box (TABLE_MIN_EM) instead of cutting
  // columns off; each header's words stay whole, its full text is its tooltip.
  const t = el('vscode-table', undefined, {
    zebra: '',
    'bordered-columns': '',
    class: tableClass(headers.length),
    ...(widths ? { columns: widths } : {}),
  });
  const head = el('vscode-table-header', undefined, { slot: 'header' });
  for (const h of headers) head.append(el('vscode-table-header-cell', h, { title: h }));
  const body = el('vscode-table-body', undefined, { slot: 'body' });
  for (const r of rows) {
    const row = el('vscode-table-row');
    for (const c of r) row.append(el('vscode-table-cell', c));
    body.append(row);
  }
  t.append(head, body);
  const box = el('div', undefined, { class: 'table-scroll', role: 'region', 'aria-label': headers.join(', '), tabindex: '0' });
  box.append(t);
  return box;
}

let shown: { model?: DashboardModel; phases?: PhasesOverview } = {};

/** Asks the extension to run a command; it runs only those its allow-list names (src/extension/dashboardActions.ts). */
function run(command: string, ...args: unknown[]) {
  vscodeApi.postMessage({ type: 'run', command, args });
}

/** The tree, filtered to a kind (and a state), then shown. */
function showInTree(filter: { kinds?: string[]; states?: string[] }) {
  run('cm2intune.filterTree', filter);
  run('cm2intune.objects.focus');
}

function button(label: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLElement {
  const b = el('vscode-button', label, attrs);
  b.addEventListener('click', onClick);
  return b;
}

function linkButton(label: string, title: string, onClick: () => void): HTMLElement {
  const b = el('button', label, { type: 'button', class: 'link', title });
  b.addEventListener('click', onClick);
  return b;
}

function render(model: DashboardModel) {
  const root = document.getElementById('root')!;
  root.replaceChildren();
  // One line, cut with an ellipsis when the editor is narrow; the whole title is its tooltip.
  root.append(el('h1', model.title, { class: 'title', title: model.title }));
  if (shown.phases?.stages) root.append(el('h2', 'Where the migration stands'), stagesStrip(shown.phases.stages));
  // The states and their words come with the model, from the core.
  const states = model.states.map(({ state, label }) => [state, capital(label)] as const);
  root.append(el('h2', 'Phase 1: objects'));
  const badges = el('p', undefined, { class: 'badges' });
  for (const [state, label] of states) {
    const badge = el('span', undefined, { class: `state state-${state}` });
    badge.append(el('vscode-badge', String(model.totals[state])), document.createTextNode(` ${label}`));
    badges.append(badge);
  }
  root.append(badges, el('p', `${model.totals.all} ConfigMgr objects, ${model.totals.selected} selected by the plan.`));
  root.append(el('h3', 'Objects by kind and state'), legend(), bars(model));
  root.append(el('h2', 'Collections and Entra ID groups'));
  root.append(
    table(
      ['Collection', 'Name', 'Mapping', 'Groups', 'Why'],
      model.groups.map((g) => [g.collectionId, g.collection, g.status, g.groups, g.reason]),
    ),
  );
  if (model.findings.length) {
    const findings = el('vscode-collapsible', undefined, { title: `Findings (${model.findings.length})`, open: '' });
    const list = el('ul');
    for (const f of model.findings) list.append(el('li', `${f.severity}: ${f.message}`));
    findings.append(list);
    root.append(findings);
  }
  root.append(phasesSection(shown.phases));
}

/** Each state's colour with its word. */
function legend(): HTMLElement {
  const list = el('ul', undefined, { class: 'legend', 'aria-label': 'Legend' });
  for (const s of STATES) {
    const item = el('li');
    item.append(el('span', undefined, { class: `swatch swatch-${s.state}`, 'aria-hidden': 'true' }), document.createTextNode(s.label));
    list.append(item);
  }
  return list;
}

/** States per kind as stacked bars: a segment opens the tree filtered to that kind and state, the kind to that kind. */
function bars(model: DashboardModel): HTMLElement {
  const box = el('div', undefined, { class: 'bars' });
  for (const bar of kindBars(model)) {
    box.append(
      linkButton(`${capital(bar.kind)} (${bar.total})`, `Show the ${bar.kind} objects in the tree`, () =>
        showInTree({ kinds: [bar.kindId] }),
      ),
    );
    const picture = svg('svg', {
      viewBox: '0 0 100 10',
      preserveAspectRatio: 'none',
      class: 'bar',
      role: 'group',
      'aria-label': `${bar.kind}: ${bar.text}`,
    });
    for (const s of bar.segments) {
      const rect = svg('rect', {
        x: s.x,
        y: 0,
        width: s.width,
        height: 10,
        class: `seg-${s.state}`,
        tabindex: 0,
        role: 'button',
        'aria-label': `${s.count} ${s.label.toLowerCase()}: show in the tree`,
      });
      rect.append(svg('title', {}, `${s.count} ${bar.kind} object(s) ${s.label.toLowerCase()}: click to show them in the tree`));
      const open = () => showInTree({ kinds: [bar.kindId], states: [s.state] });
      rect.addEventListener('click', open);
      rect.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') open();
      });
      picture.append(rect);
    }
    box.append(picture, el('span', bar.text, { class: 'counts' }));
  }
  return box;
}

const STANDING_WORDS: Record<PhaseStage['standing'], string> = {
  done: 'done',
  current: 'the migration is here',
  blocked: 'the migration is here: blocked',
  todo: 'to do',
};

/** The four phases in order, the one the migration stands at marked (a mark and words, not colour alone), each with its next action. */
function stagesStrip(stages: PhaseStage[]): HTMLElement {
  const list = el('ol', undefined, { class: 'stages', 'aria-label': 'Where the migration stands' });
  for (const s of stages) {
    const item = el('li', undefined, {
      class: `stage stage-${s.standing}`,
      ...(s.standing === 'current' || s.standing === 'blocked' ? { 'aria-current': 'step' } : {}),
    });
    const title = el('strong');
    title.append(
      el('span', STANDING_MARKS[s.standing], { class: 'mark', 'aria-hidden': 'true' }),
      document.createTextNode(`Phase ${s.phase} · ${s.title}`),
    );
    item.append(title, el('span', STANDING_WORDS[s.standing], { class: 'standing' }), el('span', s.summary, { class: 'summary' }));
    const action = phaseAction(s);
    if (action) item.append(button(action.label, () => run(action.command), s.standing === 'todo' ? { secondary: '' } : {}));
    list.append(item);
  }
  return list;
}

/** Phases 2 and 3: readiness as a checklist, each wave's devices in Intune over time (SVG, drawn from data). */
function phasesSection(phases: PhasesOverview | undefined): HTMLElement {
  const section = el('section', undefined, { id: 'phases' });
  section.append(el('h2', 'Phase 2: readiness'));
  if (!phases) {
    section.append(el('p', 'Reading readiness and the waves…'));
    return section;
  }
  const r = phases.readiness;
  section.append(
    el(
      'p',
      'error' in r
        ? `Readiness could not be read: ${r.error}`
        : `Readiness of everyone in scope: ${r.ready ? 'ready' : 'blocked'} (${r.counts.ok} ok, ${r.counts.warning} warning, ${r.counts.blocking} blocking).`,
      { class: `readiness ${'error' in r || !r.ready ? 'state-blocking' : 'state-ok'}` },
    ),
  );
  if (!('error' in r) && r.checks?.length) section.append(checklist(r.checks));
  section.append(el('h2', 'Phase 3: waves'));
  if (phases.waves.length === 0) {
    section.append(el('p', 'The plan has no waves yet.'));
    return section;
  }
  const readiness = (w: PhasesOverview['waves'][number]) =>
    w.readiness
      ? w.readiness.blocking
        ? `blocked (${w.readiness.blocking} blocking)`
        : `ready${w.readiness.warning ? ` (${w.readiness.warning} warning)` : ''}`
      : '—';
  section.append(
    table(
      ['Wave', 'Readiness (phase 2)', 'State (phase 3)', 'Devices in Intune'],
      phases.waves.map((w) => [w.name, readiness(w), w.status, w.expected ? `${w.moved} of ${w.expected}` : '—']),
    ),
  );
  const charts = el('div', undefined, { class: 'waves' });
  for (const w of phases.waves) charts.append(waveChart(w));
  section.append(charts);
  return section;
}

/** Readiness checks with a mark and a word each; a check opens its fix, or the tree where its evidence is. */
function checklist(checks: ReadinessCheckLine[]): HTMLElement {
  const list = el('ul', undefined, { class: 'checks', 'aria-label': 'Readiness checks' });
  for (const c of checks) {
    const mark = CHECK_MARKS[c.state];
    const item = el('li', undefined, { class: `check check-${c.state}` });
    item.append(el('span', mark.icon, { class: 'icon', 'aria-hidden': 'true' }));
    const fix = c.state !== 'ok' && c.fixable;
    item.append(
      linkButton(
        `${c.title} — ${mark.word}`,
        fix ? 'Fix readiness: a preview first, then a question' : 'Show the readiness checks in the tree',
        () => (fix ? run('cm2intune.fixReadiness') : run('cm2intune.objects.focus')),
      ),
      el('span', c.summary, { class: 'summary' }),
    );
    list.append(item);
  }
  return list;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function waveChart(w: PhasesOverview['waves'][number]): HTMLElement {
  const box = el('figure', undefined, { class: 'wave-chart' });
  box.append(el('h3', `${w.name}: devices in Intune over time`));
  const g = chartGeometry(w.series);
  if (!g) {
    box.append(el('p', 'No verification yet.', { class: 'empty' }));
    box.append(button(`Verify wave "${w.name}"`, () => run('cm2intune.verifyWave', w.name), { secondary: '' }));
    return box;
  }
  const chart = svg('svg', { width: g.width, height: g.height, viewBox: `0 0 ${g.width} ${g.height}`, role: 'img', class: 'chart' });
  chart.append(svg('title', {}, `${w.name}: ${w.moved} of ${w.expected} devices in Intune`));
  chart.append(svg('line', { ...g.axisX, class: 'axis' }), svg('line', { ...g.axisY, class: 'axis' }));
  chart.append(svg('line', { ...g.expectedLine, class: 'expected' }));
  chart.append(svg('polyline', { points: g.points, class: 'moved' }));
  for (const d of g.dots) chart.append(svg('circle', { cx: d.x, cy: d.y, r: 3, class: 'dot' }));
  for (const t of g.labels) chart.append(svg('text', { x: t.x, y: t.y, 'text-anchor': t.anchor, class: 'label' }, t.text));
  for (const t of g.axisTitles) chart.append(svg('text', { x: t.x, y: t.y, 'text-anchor': t.anchor, class: 'axis-title' }, t.text));
  box.append(chart);
  const actions = el('div', undefined, { class: 'actions' });
  actions.append(button(`Verify wave "${w.name}"`, () => run('cm2intune.verifyWave', w.name), { secondary: '' }));
  box.append(actions);
  return box;
}

const vscodeApi = acquireVsCodeApi();

window.addEventListener(
  'message',
  (event: MessageEvent<{ type: string; model?: DashboardModel; phases?: PhasesOverview; guide?: GuideView }>) => {
    if (event.data?.type === 'picture' && event.data.model) {
      shown = { ...shown, model: event.data.model };
      render(event.data.model);
    }
    if (event.data?.type === 'phases' && event.data.phases) {
      shown = { ...shown, phases: event.data.phases };
      if (shown.model) render(shown.model);
    }
    // The phase-4 checklist page (its own panel, the same script).
    if (event.data?.type === 'guide' && event.data.guide)
      renderGuide(document.getElementById('root')!, event.data.guide, el, (step, typedTenantName) =>
        vscodeApi.postMessage({ type: 'confirm', step, typedTenantName }),
      );
  },
);
vscodeApi.postMessage({ type: 'ready' });

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
