// The extension face: thin. Every piece of migration logic lives in src/core.
import * as vscode from 'vscode';
import { UserError } from '../core/errors';
import { registerCommands } from './commands';
import type { Ctx } from './ctx';
import { followRefreshes, openDashboard } from './dashboard';
import { registerPlanDiagnostics } from './diagnostics';
import { importObjects, PREVIEW_SCHEME, PreviewDocuments } from './importCommand';
import { newPlan } from './newPlan';
import { DRIFT_SCHEME, DriftDocuments, followDetailRefreshes, showDrift, showObject } from './objectDetail';
import {
  checkAuthority,
  switchAuthorityGuided,
  verifyAuthority,
  type AuthorityVerifyOptions,
  type GuideOptions,
} from './authorityCommands';
import { checkReadiness, fixReadiness } from './readinessCommand';
import { openSampleMigration } from './sampleMigration';
import { createPictureStore } from './pictures';
import { mapCollectionAction, selectionAction } from './planActions';
import { currentPlan, parsePlan, passwordKey, planText, sqlPassword } from './session';
import { registerObjectsTree, type ObjectsTree } from './tree';
import { vscodeUi, type Ui } from './ui';
import { prepareWaveRunbook, verifyWave, type VerifyOptions } from './waveCommands';

/**
 * What activate() hands back: the view's data provider, so extension-host tests read what the
 * view shows, and (in a test or development host only) a way to answer the UI in place of a person.
 */
export interface Cm2intuneApi {
  objects: ObjectsTree;
  replaceUi(ui: Partial<Ui>): { dispose(): void };
}

export function activate(extension: vscode.ExtensionContext): Cm2intuneApi {
  const log = vscode.window.createOutputChannel('cm2intune', { log: true });
  const ctx: Ctx = { extension, log, subscriptions: extension.subscriptions, ui: vscodeUi, pictures: createPictureStore(() => ctx) };
  extension.subscriptions.push(log);
  registerPlanDiagnostics(ctx);
  const tree = registerObjectsTree(ctx);
  followRefreshes(ctx);
  followDetailRefreshes(ctx);
  const previews = new PreviewDocuments();
  extension.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews));
  const drifts = new DriftDocuments();
  extension.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DRIFT_SCHEME, drifts));
  registerCommands(ctx, {
    'cm2intune.newPlan': newPlan,
    'cm2intune.openSampleMigration': openSampleMigration,
    'cm2intune.refresh': () => ctx.pictures.refresh(),
    'cm2intune.import': (c, arg) => importObjects(c, previews, arg),
    'cm2intune.checkReadiness': (c, arg) => checkReadiness(c, previews, arg),
    'cm2intune.fixReadiness': (c, arg) => fixReadiness(c, previews, arg),
    // (plan or wave node, wave name): from the palette, the tree, or another command
    'cm2intune.prepareWaveRunbook': (c, target, wave) => prepareWaveRunbook(c, target, wave),
    'cm2intune.prepareWaveUndoRunbook': (c, target, wave) => prepareWaveRunbook(c, target, wave, true),
    'cm2intune.verifyWave': (c, target, wave, options) => verifyWave(c, target, wave, (options as VerifyOptions | undefined) ?? {}),
    'cm2intune.checkAuthority': (c, target) => checkAuthority(c, previews, target),
    // (plan, { confirmStep, tenantName }): scripts and tests mark a step done as the page's button does
    'cm2intune.switchAuthorityGuided': (c, target, options) =>
      switchAuthorityGuided(c, target, isOptions(options) ? (options as GuideOptions) : {}),
    // From the palette or the tree it watches (paced, cancellable); { watch: false } reads once.
    'cm2intune.verifyAuthority': (c, target, options) =>
      verifyAuthority(c, target, { watch: true, ...(isOptions(options) ? (options as AuthorityVerifyOptions) : {}) }),
    'cm2intune.showDashboard': async (c) => {
      const plan = await currentPlan();
      if (!plan) throw new UserError('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
      return openDashboard(c, plan);
    },
    // (tree object node, or { plan?: Uri string, key }): one object's detail, its drift as a diff
    'cm2intune.showObject': (c, target) => showObject(c, target),
    'cm2intune.showDrift': (c, target) => showDrift(c, drifts, target),
    'cm2intune.includeInImport': selectionAction('include', tree),
    'cm2intune.excludeFromImport': selectionAction('exclude', tree),
    'cm2intune.mapCollection': mapCollectionAction(tree),
    'cm2intune.enterSitePassword': async (c, target) => {
      const plan = target instanceof vscode.Uri ? target : await currentPlan();
      if (!plan) throw new UserError('No migration plan in this workspace: create one with "cm2intune: New migration plan".');
      const parsed = parsePlan(await planText(plan), plan);
      if ('error' in parsed) throw new UserError(`${vscode.workspace.asRelativePath(plan)}: ${parsed.error}`);
      if (parsed.plan.site.source !== 'sql')
        throw new UserError(
          `${vscode.workspace.asRelativePath(plan)} reads its site from a snapshot file: there is no database password to enter.`,
        );
      await c.extension.secrets.delete(passwordKey(parsed.plan.site));
      await sqlPassword(c, parsed.plan.site, true);
      c.pictures.refresh(plan.toString());
    },
  });
  log.info('cm2intune activated');
  return {
    objects: tree,
    replaceUi(ui) {
      if (extension.extensionMode === vscode.ExtensionMode.Production) throw new Error('replaceUi is for extension tests only.');
      const original = ctx.ui;
      ctx.ui = { ...original, ...ui };
      return { dispose: () => void (ctx.ui = original) };
    },
  };
}

/** A plain options object (a tree invocation passes the selection, an array, in that place). */
const isOptions = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof vscode.Uri);

export function deactivate(): void {}
