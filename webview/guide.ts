// The guided MDM authority switch (phase 4) as a page: the warning first, then the checklist the
// product keeps. Only the next step has a button; the step that needs it asks for the tenant's
// name, typed, before it can be marked done (the extension checks it again). Text goes in as text.
import type { GuideView } from '../src/core/phases/overview';
import { tenantNameMatches } from './phases';

export const GUIDE_CSS = [
  '.danger { border: 2px solid var(--vscode-inputValidation-errorBorder, var(--vscode-list-errorForeground)); background: var(--vscode-inputValidation-errorBackground, transparent); padding: 8px 12px; margin: 8px 0 16px; }',
  '.danger p { margin: 4px 0; }',
  '.danger p:first-child { font-weight: bold; font-size: 1.15em; }',
  '.steps { list-style: none; padding: 0; }',
  '.step { border-left: 4px solid var(--vscode-disabledForeground); padding: 4px 12px; margin: 0 0 12px; }',
  '.step.done { border-left-color: var(--vscode-testing-iconPassed); }',
  '.step.next { border-left-color: var(--vscode-charts-blue); }',
  '.step .warn { color: var(--vscode-list-errorForeground); font-weight: bold; }',
  '.step .mark { font-weight: bold; }',
  '.confirm { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-top: 8px; }',
  '.confirm input { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, var(--vscode-foreground)); padding: 4px 6px; min-width: 18em; }',
  '.confirm button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 5px 12px; cursor: pointer; }',
  '.confirm button:disabled { opacity: 0.5; cursor: default; }',
  '.problem { color: var(--vscode-list-errorForeground); }',
].join('\n');

type El = <K extends keyof HTMLElementTagNameMap>(tag: K | string, text?: string, attrs?: Record<string, string>) => HTMLElement;

export function renderGuide(root: HTMLElement, view: GuideView, el: El, confirm: (step: string, typedTenantName?: string) => void): void {
  root.replaceChildren();
  root.append(el('h1', `Switch the MDM authority of ${view.tenantName} to Intune (phase 4)`));
  const danger = el('div', undefined, { class: 'danger', role: 'alert' });
  for (const line of view.warning) danger.append(el('p', line));
  root.append(danger);
  if (view.problem) root.append(el('p', view.problem, { class: 'problem', role: 'status' }));
  root.append(
    el(
      'p',
      view.done
        ? 'Every step is done. Run "cm2intune: Verify the MDM authority (phase 4)": devices switch as they check in, within about 8 hours.'
        : 'cm2intune never switches the authority itself: you do each step in the ConfigMgr console, then mark it done here. The checklist is kept beside the plan.',
    ),
  );
  const list = el('ol', undefined, { class: 'steps' });
  view.steps.forEach((step, i) => {
    const item = el('li', undefined, { class: `step${step.done ? ' done' : ''}${step.next ? ' next' : ''}`, 'data-step': step.id });
    const mark = step.done ? `done${step.at ? ` ${step.at.slice(0, 16).replace('T', ' ')}` : ''}` : step.next ? 'next' : 'later';
    item.append(el('h2', `${i + 1}. ${step.title}`), el('span', mark, { class: 'mark' }));
    for (const line of step.detail) item.append(el('p', line));
    for (const line of step.warning ?? []) item.append(el('p', line, { class: 'warn' }));
    if (step.next) item.append(confirmControls(step.id, step.confirmTenantName ? view.tenantName : undefined, el, confirm));
    list.append(item);
  });
  root.append(list);
}

function confirmControls(
  step: string,
  tenantName: string | undefined,
  el: El,
  confirm: (step: string, typed?: string) => void,
): HTMLElement {
  const box = el('div', undefined, { class: 'confirm' });
  const button = el('button', 'Mark this step done', { type: 'button' }) as HTMLButtonElement;
  if (tenantName !== undefined) {
    const label = el('label', `Type the tenant's name, ${tenantName}, to confirm:`, { for: 'tenant-name' });
    const input = el('input', undefined, { id: 'tenant-name', type: 'text', autocomplete: 'off', spellcheck: 'false' }) as HTMLInputElement;
    button.disabled = true;
    input.addEventListener('input', () => (button.disabled = !tenantNameMatches(input.value, tenantName)));
    button.addEventListener('click', () => confirm(step, input.value));
    box.append(label, input, button);
  } else {
    button.addEventListener('click', () => confirm(step));
    box.append(button);
  }
  return box;
}
