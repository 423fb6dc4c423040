// The plans' pictures for the tree, the dashboard and the item commands: one store (src/core),
// read through a read-only session that never asks for a password (the tree offers to enter it).
import * as vscode from 'vscode';
import { UserError } from '../core/errors';
import { PictureStore } from '../core/phases/picture-store';
import type { MigrationPicture } from '../core/analysis';
import type { PhasesRead } from '../core/phases/overview';
import type { Ctx } from './ctx';
import { parsePlan, planText, withSession } from './session';

export function createPictureStore(ctx: () => Ctx): PictureStore {
  return new PictureStore(
    (key, work, use) => withSession(ctx(), vscode.Uri.parse(key), use ?? 'import', { readOnly: true, askPassword: false }, work),
    () => import('./core'),
    () => import('./core'),
  );
}

export interface PlanPicture {
  plan: vscode.Uri;
  picture: MigrationPicture;
  /** `sandbox <id>`, `global <id>`: for titles. */
  tenant: string;
}

/** The picture of the plan as edited (also before it is saved): the store reads only what it must. */
export async function planPicture(ctx: Ctx, plan: vscode.Uri): Promise<PlanPicture> {
  const parsed = parsePlan(await planText(plan), plan);
  if ('error' in parsed) throw new UserError(`${vscode.workspace.asRelativePath(plan)}: ${parsed.error}`);
  const stored = await ctx.pictures.picture(plan.toString(), parsed.plan);
  return { plan, picture: stored.picture, tenant: `${stored.tenantLabel} ${stored.tenantId}` };
}

/** Phases 2 and 3 of the plan as edited: readiness and the waves, read once like the picture. */
export async function planPhases(ctx: Ctx, plan: vscode.Uri): Promise<PhasesRead> {
  const parsed = parsePlan(await planText(plan), plan);
  if ('error' in parsed) throw new UserError(`${vscode.workspace.asRelativePath(plan)}: ${parsed.error}`);
  return ctx.pictures.phases(plan.toString(), parsed.plan);
}
