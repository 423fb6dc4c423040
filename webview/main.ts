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
import type { DashboardModel } from '../src/core/analysis/summary';
import { STATE_CSS } from './states';

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// A constructed stylesheet, as the elements style themselves: the page's CSP allows no inline style.
const stateSheet = new CSSStyleSheet();
stateSheet.replaceSync(STATE_CSS);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, stateSheet];

function el<K extends keyof HTMLElementTagNameMap>(tag: K | string, text?: string, attrs: Record<string, string> = {}): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function table(headers: string[], rows: string[][], widths?: string): HTMLElement {
  const t = el('vscode-table', undefined, { zebra: '', 'bordered-columns': '', ...(widths ? { columns: widths } : {}) });
  const head = el('vscode-table-header', undefined, { slot: 'header' });
  for (const h of headers) head.append(el('vscode-table-header-cell', h));
  const body = el('vscode-table-body', undefined, { slot: 'body' });
  for (const r of rows) {
    const row = el('vscode-table-row');
    for (const c of r) row.append(el('vscode-table-cell', c));
    body.append(row);
  }
  t.append(head, body);
  return t;
}

function render(model: DashboardModel) {
  const root = document.getElementById('root')!;
  root.replaceChildren();
  root.append(el('h1', model.title));
  const badges = el('p', undefined, { class: 'badges' });
  // The states and their words come with the model, from the core.
  const states = model.states.map(({ state, label }) => [state, capital(label)] as const);
  for (const [state, label] of states) {
    const badge = el('span', undefined, { class: `state state-${state}` });
    badge.append(el('vscode-badge', String(model.totals[state])), document.createTextNode(` ${label}`));
    badges.append(badge);
  }
  root.append(badges, el('p', `${model.totals.all} ConfigMgr objects, ${model.totals.selected} selected by the plan.`));
  root.append(el('h2', 'Objects by kind'));
  root.append(
    table(
      ['Kind', ...states.map(([, l]) => l), 'Total'],
      model.byKind.map((k) => [k.kind, ...states.map(([s]) => String(k.counts[s])), String(k.total)]),
    ),
  );
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
}

window.addEventListener('message', (event: MessageEvent<{ type: string; model?: DashboardModel }>) => {
  if (event.data?.type === 'picture' && event.data.model) render(event.data.model);
});
acquireVsCodeApi().postMessage({ type: 'ready' });

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
