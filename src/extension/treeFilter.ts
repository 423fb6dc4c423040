// "Filter the tree" and "Clear the filter": narrow phase 1's objects by state, kind and platform.
// With an argument ({ states?, kinds?, platforms? }) from a script, a test or another command;
// without one, a quick pick per facet (nothing picked in a facet: any).
import { checkFilter, NO_PLATFORM, type PictureFilter } from '../core/analysis/filter';
import { KIND_LABELS, STATE_LABELS } from '../core/analysis/selection';
import { STATE_ORDER } from '../core/analysis/summary';
import { CancelledError } from '../core/errors';
import { PLATFORM_NAMES } from '../core/translate/common';
import type { TranslationKind } from '../core/translate/types';
import type { Ctx } from './ctx';
import type { ObjectsTree } from './tree';

export function filterTreeAction(tree: ObjectsTree) {
  return async (ctx: Ctx, arg?: unknown): Promise<PictureFilter | undefined> => {
    const filter = arg === undefined || arg === null ? await askFilter(ctx, tree.filter ?? {}) : checkFilter(arg);
    tree.setFilter(filter);
    return tree.filter;
  };
}

export const clearTreeFilterAction = (tree: ObjectsTree) => () => tree.setFilter(undefined);

async function askFilter(ctx: Ctx, current: PictureFilter): Promise<PictureFilter> {
  const facet = async (title: string, choices: { label: string; value: string }[], now: string[] = []) => {
    const picked = await ctx.ui.pickMany(
      title,
      choices.map((c) => ({ ...c, picked: now.includes(c.value) })),
    );
    if (!picked) throw new CancelledError('no filter chosen');
    return picked;
  };
  const states = await facet(
    'Filter the objects by state (none picked: any state)',
    STATE_ORDER.map((s) => ({ label: STATE_LABELS[s], value: s })),
    current.states,
  );
  const kinds = await facet(
    'Filter the objects by kind (none picked: any kind)',
    (Object.keys(KIND_LABELS) as TranslationKind[])
      .filter((k) => k !== 'termsAndConditions')
      .map((k) => ({ label: KIND_LABELS[k], value: k })),
    current.kinds,
  );
  const platforms = await facet(
    'Filter the objects by platform (none picked: any platform)',
    [
      ...Object.entries(PLATFORM_NAMES).map(([value, label]) => ({ label, value })),
      { label: 'no platform (web apps)', value: NO_PLATFORM },
    ],
    current.platforms,
  );
  return checkFilter({ states, kinds, platforms });
}
