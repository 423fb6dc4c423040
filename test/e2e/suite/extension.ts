// The extension under test, as every extension-host suite reaches it: its API (activated), the
// cm2intune view's rows, its UI replaced by answers, the plan the view shows.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Cm2intuneApi } from '../../../src/extension/extension';
import type { Node } from '../../../src/extension/tree';
import type { Ui } from '../../../src/extension/ui';

export const EXTENSION_ID = 'cm2intune.cm2intune';

export type Row = { node: Node; item: vscode.TreeItem };

export async function api(): Promise<Cm2intuneApi> {
  return vscode.extensions.getExtension<Cm2intuneApi>(EXTENSION_ID)!.activate();
}

/** The view's top rows. */
export async function roots(): Promise<Row[]> {
  const tree = (await api()).objects;
  return ((await tree.getChildren()) ?? []).map((node) => ({ node, item: tree.getTreeItem(node) }));
}

export async function childrenOf(node: Node): Promise<Row[]> {
  const tree = (await api()).objects;
  return ((await tree.getChildren(node)) ?? []).map((n) => ({ node: n, item: tree.getTreeItem(n) }));
}

/**
 * Phase 1's sections (a root per kind, the collections, the legend): where the site's objects
 * show. None while the view shows no Phase 1 (a plan with errors, a read not done), unless
 * `required`, which fails naming the roots there are.
 */
export async function sections(options: { required?: boolean } = {}): Promise<Row[]> {
  const top = await roots();
  const phase1 = top.find((r) => r.item.label === 'Phase 1 · Import');
  if (options.required) assert.ok(phase1, `no phase 1 root; roots: ${top.map((r) => r.item.label).join(', ')}`);
  return phase1 ? childrenOf(phase1.node) : [];
}

export interface Shown {
  info: string[];
  warn: string[];
  error: string[];
  /** The titles of the password prompts (answered: none given). */
  asked: string[];
}

/** Runs `work` with the extension's UI answering as `ui` says; what it shows and asks is recorded. */
export async function withUi<T>(ui: Partial<Ui>, work: (shown: Shown) => PromiseLike<T>): Promise<T> {
  const shown: Shown = { info: [], warn: [], error: [], asked: [] };
  const replaced = (await api()).replaceUi({
    info: (m) => void shown.info.push(m),
    warn: (m) => void shown.warn.push(m),
    error: (m) => void shown.error.push(m),
    password: (title) => {
      shown.asked.push(title);
      return Promise.resolve(undefined);
    },
    ...ui,
  });
  try {
    return await work(shown);
  } finally {
    replaced.dispose();
  }
}

/** Points the view at a plan through the setting, as a user with several plans would ('' : none). */
export async function usePlan(relative: string): Promise<void> {
  await vscode.workspace.getConfiguration('cm2intune').update('plan', relative, vscode.ConfigurationTarget.Workspace);
}
