// Item actions that edit the plan document (include, exclude, map a collection): the core
// computes the text edit, this applies it to the open document as a WorkspaceEdit, so the edit
// is undoable and the plan stays the single truth. The file is not written: the user saves.
import * as vscode from 'vscode';
import { UserCancelled } from './commands';
import type { Ctx } from './ctx';
import { withSession } from './session';
import type { Node, ObjectsTree } from './tree';
import { groupMapEdits, PlanEditError, selectionEdits, type PlanTextEdit } from '../core/plan/edit';
import { selectionSubject } from '../core/analysis/selection';

async function applyToPlan(plan: vscode.Uri, compute: (text: string) => PlanTextEdit[]): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(plan);
  let edits: PlanTextEdit[];
  try {
    edits = compute(doc.getText());
  } catch (error) {
    if (error instanceof PlanEditError) throw new Error(`${vscode.workspace.asRelativePath(plan)}: ${error.message}`);
    throw error;
  }
  if (edits.length) {
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) edit.replace(plan, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.content);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code did not apply the change to ${vscode.workspace.asRelativePath(plan)} (is it read-only?).`);
  }
  // Shown, so the change is seen and can be undone or saved.
  await vscode.window.showTextDocument(doc, { preserveFocus: true, preview: false });
  return doc;
}

function objectNode(arg: unknown): Extract<Node, { kind: 'object' }> {
  const node = arg as Node | undefined;
  if (node?.kind !== 'object') throw new Error('Run this from an object in the "Site and Tenant" view.');
  return node;
}

export function selectionAction(choice: 'include' | 'exclude', tree: ObjectsTree) {
  return async (ctx: Ctx, arg: unknown): Promise<vscode.TextDocument> => {
    const node = objectNode(arg);
    const doc = await applyToPlan(node.plan, (text) => selectionEdits(text, selectionSubject(node.item.translation), choice));
    ctx.log.info(`${vscode.workspace.asRelativePath(node.plan)}: ${choice} ${node.item.translation.source.uniqueId} ("${node.item.translation.source.name}")`);
    tree.refresh();
    return doc;
  };
}

interface GroupPick extends vscode.QuickPickItem {
  id: string;
}

/**
 * "Map collection to group…": picks one of the tenant's groups (first 100 by name; typing
 * filters them) and writes it into groups.map. `groupId` (tests) skips the pick.
 */
export function mapCollectionAction(tree: ObjectsTree) {
  return async (ctx: Ctx, arg: unknown, groupId?: unknown): Promise<vscode.TextDocument> => {
    const node = arg as Node | undefined;
    if (node?.kind !== 'collection') throw new Error('Run this from a collection in the "Site and Tenant" view.');
    const { collectionId, collectionName } = node.mapping;
    let id = typeof groupId === 'string' ? groupId : undefined;
    if (!id) {
      const groups = withSession(ctx, node.plan, 'import', { readOnly: true, askPassword: true }, async (session) => {
        const page = await session.graph.get<{ value: { id: string; displayName: string }[] }>('/groups', { query: { $select: 'id,displayName', $top: 100 } });
        return page.value
          .sort((a, b) => a.displayName.localeCompare(b.displayName))
          .map((g): GroupPick => ({ id: g.id, label: g.displayName, description: g.id }));
      });
      const picked = await vscode.window.showQuickPick(groups, {
        title: `Map collection "${collectionName}" (${collectionId}) to an Entra ID group`,
        placeHolder: 'Type to filter the tenant\'s groups',
        matchOnDescription: true,
      });
      if (!picked) throw new UserCancelled();
      id = picked.id;
    }
    const groupIdToMap = id;
    const doc = await applyToPlan(node.plan, (text) => groupMapEdits(text, collectionId, { id: groupIdToMap }));
    ctx.log.info(`${vscode.workspace.asRelativePath(node.plan)}: collection ${collectionId} mapped to group ${groupIdToMap}`);
    tree.refresh();
    return doc;
  };
}
