// Item actions that edit the plan document (include, exclude, map a collection): the core
// computes the text edit, this applies it to the open document as a WorkspaceEdit, so the edit
// is undoable and the plan stays the single truth. The file is not written: the user saves.
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../core/errors';
import type { Ctx } from './ctx';
import { withSession } from './session';
import type { Node, ObjectsTree } from './tree';
import { groupMapEdits, PlanEditError, selectionEditsMany, type PlanTextEdit } from '../core/plan/edit';
import { searchGroups } from '../core/tenant/read';
import { selectionSubject } from '../core/analysis/selection';

export async function applyToPlan(plan: vscode.Uri, compute: (text: string) => PlanTextEdit[]): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(plan);
  let edits: PlanTextEdit[];
  try {
    edits = compute(doc.getText());
  } catch (error) {
    if (error instanceof PlanEditError) throw new UserError(`${vscode.workspace.asRelativePath(plan)}: ${error.message}`);
    throw error;
  }
  if (edits.length) {
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) edit.replace(plan, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.content);
    if (!(await vscode.workspace.applyEdit(edit)))
      throw new UserError(`VS Code did not apply the change to ${vscode.workspace.asRelativePath(plan)} (is it read-only?).`);
  }
  // Shown, so the change is seen and can be undone or saved.
  await vscode.window.showTextDocument(doc, { preserveFocus: true, preview: false });
  return doc;
}

function objectNode(arg: unknown): Extract<Node, { kind: 'object' }> {
  const node = arg as Node | undefined;
  if (node?.kind !== 'object') throw new UserError('Run this from an object in the "Site and Tenant" view.');
  return node;
}

/**
 * Include or exclude: the object clicked, or (VS Code passes it second) every object of the
 * selection it belongs to, in one edit of the plan (one undo). Terms and conditions and other
 * rows in the selection are left aside.
 */
export function selectionAction(choice: 'include' | 'exclude', tree: ObjectsTree) {
  return async (ctx: Ctx, arg: unknown, selection?: unknown): Promise<vscode.TextDocument> => {
    const node = objectNode(arg);
    const selected = Array.isArray(selection) ? (selection as Node[]) : [];
    const nodes = (selected.some((n) => n === node || (n.kind === 'object' && n.item.key === node.item.key)) ? selected : [node]).filter(
      (n): n is Extract<Node, { kind: 'object' }> =>
        n.kind === 'object' && n.plan.toString() === node.plan.toString() && n.item.translation.source.kind !== 'termsAndConditions',
    );
    if (nodes.length === 0) throw new UserError('Terms and conditions are never imported: there is nothing to include or exclude.');
    const doc = await applyToPlan(node.plan, (text) =>
      selectionEditsMany(
        text,
        nodes.map((n) => selectionSubject(n.item.translation)),
        choice,
      ),
    );
    for (const n of nodes)
      ctx.log.info(
        `${vscode.workspace.asRelativePath(node.plan)}: ${choice} ${n.item.translation.source.uniqueId} ("${n.item.translation.source.name}")`,
      );
    tree.refresh();
    return doc;
  };
}

/**
 * "Map collection to group…": picks one of the tenant's groups (searched by the beginning of
 * its name as you type, a page at a time) and writes it into groups.map.
 */
export function mapCollectionAction(tree: ObjectsTree) {
  return async (ctx: Ctx, arg: unknown): Promise<vscode.TextDocument> => {
    const node = arg as Node | undefined;
    if (node?.kind !== 'collection') throw new UserError('Run this from a collection in the "Site and Tenant" view.');
    const { collectionId, collectionName } = node.mapping;
    // The session stays open while the picker searches the tenant.
    const picked = await withSession(ctx, node.plan, 'import', { readOnly: true, askPassword: true }, (session) =>
      ctx.ui.pickGroup(`Map collection "${collectionName}" (${collectionId}) to an Entra ID group`, (text) =>
        searchGroups(session.graph, text),
      ),
    );
    if (!picked) throw new CancelledError('no group chosen');
    const groupIdToMap = picked.id;
    const doc = await applyToPlan(node.plan, (text) => groupMapEdits(text, collectionId, { id: groupIdToMap }));
    ctx.log.info(`${vscode.workspace.asRelativePath(node.plan)}: collection ${collectionId} mapped to group ${groupIdToMap}`);
    tree.refresh();
    return doc;
  };
}
