// The migration picture, condensed for the dashboard: counts per kind and state, the
// collection-to-group mapping and the findings. Plain data, so a webview can render it.
import type { Finding } from '../findings';
import { KIND_LABELS, STATE_LABELS } from './selection';
import type { TranslationKind } from '../translate/types';
import type { ItemState, MigrationPicture, PictureItem } from './types';

export interface DashboardModel {
  title: string;
  /** The states in the order the dashboard shows them, with their words. */
  states: { state: ItemState; label: string }[];
  totals: Record<ItemState, number> & { all: number; selected: number };
  /** `kind` in words; `kindId` for the tree's filter (the dashboard's click-through). */
  byKind: { kind: string; kindId: TranslationKind; counts: Record<ItemState, number>; total: number }[];
  groups: { collectionId: string; collection: string; status: string; groups: string; reason: string }[];
  findings: Pick<Finding, 'severity' | 'message'>[];
}

/** The order every face lists states in: where the migration stands first, what is left out last. */
export const STATE_ORDER: ItemState[] = ['imported', 'importable', 'partial', 'drifted', 'blocked', 'notImported'];

const zero = (): Record<ItemState, number> => ({ imported: 0, importable: 0, partial: 0, drifted: 0, blocked: 0, notImported: 0 });

/** Objects per state; `partlyImported` is the part of `imported` whose settings did not all go (the verdict was partial). */
export interface StateCounts extends Record<ItemState, number> {
  all: number;
  selected: number;
  partlyImported: number;
}

/** The one count of objects per state, for the tree's roots and the dashboard alike. */
export function stateCounts(items: readonly PictureItem[]): StateCounts {
  const counts: StateCounts = { ...zero(), all: items.length, selected: 0, partlyImported: 0 };
  for (const item of items) {
    counts[item.state]++;
    if (item.selected) counts.selected++;
    if (isPartlyImported(item)) counts.partlyImported++;
  }
  return counts;
}

/** In Intune, but with settings left out: not the same as a complete import. */
export const isPartlyImported = (item: Pick<PictureItem, 'state' | 'translation'>) =>
  item.state === 'imported' && item.translation.verdict?.status === 'partial';

/**
 * How an object looks in a list: its state, with "partly imported" told apart from "imported".
 * Each look has its own mark (a short text for tight places, e.g. a tree root) and words.
 */
export type ItemLook = ItemState | 'partlyImported';

export const LOOK_ORDER: ItemLook[] = ['imported', 'partlyImported', 'importable', 'partial', 'drifted', 'blocked', 'notImported'];

export const LOOK_LABELS: Record<ItemLook, string> = { ...STATE_LABELS, partlyImported: 'partly imported' };

/** One character per look, each a different shape (the legend says which is which). */
export const LOOK_MARKS: Record<ItemLook, string> = {
  imported: '✓',
  partlyImported: '◑',
  importable: '↑',
  partial: '◐',
  drifted: '≠',
  blocked: '✗',
  notImported: '–',
};

export const itemLook = (item: Pick<PictureItem, 'state' | 'translation'>): ItemLook =>
  isPartlyImported(item) ? 'partlyImported' : item.state;

/** Counts per look, the looks that have objects only, in LOOK_ORDER. */
export function lookCounts(counts: StateCounts): { look: ItemLook; count: number }[] {
  const of = (look: ItemLook) =>
    look === 'partlyImported' ? counts.partlyImported : look === 'imported' ? counts.imported - counts.partlyImported : counts[look];
  return LOOK_ORDER.map((look) => ({ look, count: of(look) })).filter((c) => c.count > 0);
}

/** `12 · 5✓ 2◐ 3✗`: short enough for a tree root at the side bar's default width. */
export const countsShort = (counts: StateCounts) =>
  [
    String(counts.all),
    lookCounts(counts)
      .map((c) => `${c.count}${LOOK_MARKS[c.look]}`)
      .join(' '),
  ]
    .filter(Boolean)
    .join(' · ');

/** `12 objects: 5 imported, 2 partly importable, 3 blocked`: the same counts in words. */
export const countsInWords = (counts: StateCounts) =>
  `${counts.all} object${counts.all === 1 ? '' : 's'}${counts.all ? ': ' : ''}${lookCounts(counts)
    .map((c) => `${c.count} ${LOOK_LABELS[c.look]}`)
    .join(', ')}`;

export function summarizePicture(title: string, picture: MigrationPicture): DashboardModel {
  const { partlyImported: _, ...totals } = stateCounts(picture.items);
  const kinds = new Map<string, { kindId: TranslationKind; counts: Record<ItemState, number>; total: number }>();
  for (const item of picture.items) {
    const label = KIND_LABELS[item.translation.source.kind];
    const row = kinds.get(label) ?? { kindId: item.translation.source.kind, counts: zero(), total: 0 };
    row.counts[item.state]++;
    row.total++;
    kinds.set(label, row);
  }
  return {
    title,
    states: STATE_ORDER.map((state) => ({ state, label: STATE_LABELS[state] })),
    totals,
    byKind: [...kinds].map(([kind, row]) => ({ kind, ...row })).sort((a, b) => a.kind.localeCompare(b.kind)),
    groups: picture.groups.map((g) => ({
      collectionId: g.collectionId,
      collection: g.collectionName,
      status: g.status,
      groups: g.groups.map((x) => `${x.displayName} (${x.via})`).join(', '),
      reason: g.reason,
    })),
    findings: picture.findings.map((f) => ({ severity: f.severity, message: f.message })),
  };
}

/**
 * What a reader is told about an object, each reason once: why (the state's reasons and the
 * verdict's, except those that only restate a setting), the settings left out, the settings changed.
 */
export function explainItem(item: Pick<PictureItem, 'translation' | 'stateReasons'>): {
  why: string[];
  leftOut: { name: string; reason: string }[];
  changed: { setting: string; from: string; to: string; reason: string }[];
} {
  const v = item.translation.verdict;
  const leftOut = v.droppedSettings;
  const changed = (v.settings ?? []).flatMap((o) =>
    o.outcome === 'changed' ? [{ setting: o.setting, from: o.from, to: o.to, reason: o.reason }] : [],
  );
  const restates = (r: string) =>
    leftOut.some((d) => r === `${d.name} is dropped: ${d.reason}` || (r.endsWith(d.reason) && / dropped \(/.test(r))) ||
    (changed.length > 0 && changed.some((c) => r.includes(` is changed from ${c.from} to ${c.to}: ${c.reason}`)));
  return { why: [...new Set([...item.stateReasons, ...v.reasons.filter((r) => !restates(r))])], leftOut, changed };
}
