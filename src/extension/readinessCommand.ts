// "cm2intune: Check readiness (phase 2)": the same readiness checks and text as `cm2intune prepare`,
// read-only (fixes are the CLI's `prepare --fix` for now), shown beside the plan.
import * as vscode from 'vscode';
import { UserError } from '../core/errors';
import { tenantName } from '../core/phases/render';
import type { Ctx } from './ctx';
import { PREVIEW_SCHEME, type PreviewDocuments } from './importCommand';
import { currentPlan, withSession } from './session';

export interface ReadinessResult {
  ready: boolean;
  blocking: number;
  checks: { id: string; state: string; summary: string }[];
  text: string;
}

export async function checkReadiness(ctx: Ctx, previews: PreviewDocuments, plan?: unknown): Promise<ReadinessResult> {
  if (!vscode.workspace.isTrusted)
    throw new UserError('Checking readiness reads your site and tenant: trust this workspace first (Manage Workspace Trust).');
  const uri = plan instanceof vscode.Uri ? plan : await currentPlan();
  if (!uri) throw new UserError('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
  const name = vscode.workspace.asRelativePath(uri);
  const { readPrepareSources, assessReadiness, readinessToText } = await import('./core');
  return withSession(ctx, uri, 'prepare', { readOnly: true, askPassword: true }, async (session) => {
    const readiness = await ctx.ui.progress(`cm2intune: checking readiness of ${name}`, async (_report, signal) =>
      assessReadiness(await readPrepareSources(session, { signal }), session.plan),
    );
    const text = readinessToText(readiness, { plan: name, tenant: tenantName(session) });
    for (const c of readiness.checks)
      ctx.log[c.state === 'blocking' ? 'error' : c.state === 'warning' ? 'warn' : 'info'](`${c.title}: ${c.summary}`);
    const doc = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name.replace(/\.json$/i, '')} readiness.txt` });
    previews.set(doc, text);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(doc), {
      preview: false,
      viewColumn: vscode.ViewColumn.Beside,
    });
    const summary = readiness.blocking
      ? `${name}: ${readiness.blocking} readiness check(s) block the move.`
      : `${name}: ready, nothing blocks the move.`;
    if (readiness.blocking) ctx.ui.warn(summary);
    else ctx.ui.info(summary);
    return {
      ready: readiness.blocking === 0,
      blocking: readiness.blocking,
      checks: readiness.checks.map((c) => ({ id: c.id, state: c.state, summary: c.summary })),
      text,
    };
  });
}
