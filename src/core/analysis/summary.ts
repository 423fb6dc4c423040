// The migration picture, condensed for the dashboard: counts per kind and state, the
// collection-to-group mapping and the findings. Plain data, so a webview can render it.
import type { Finding } from '../findings';
import { KIND_LABELS, STATE_LABELS } from './selection';
import type { TranslationKind } from '../translate/types';
import type { ItemState, MigrationPicture } from './types';

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

const STATE_ORDER: ItemState[] = ['imported', 'importable', 'partial', 'drifted', 'blocked', 'notImported'];

const zero = (): Record<ItemState, number> => ({ imported: 0, importable: 0, partial: 0, drifted: 0, blocked: 0, notImported: 0 });

export function summarizePicture(title: string, picture: MigrationPicture): DashboardModel {
  const totals = { ...zero(), all: picture.items.length, selected: 0 };
  const kinds = new Map<string, { kindId: TranslationKind; counts: Record<ItemState, number>; total: number }>();
  for (const item of picture.items) {
    const label = KIND_LABELS[item.translation.source.kind];
    const row = kinds.get(label) ?? { kindId: item.translation.source.kind, counts: zero(), total: 0 };
    row.counts[item.state]++;
    row.total++;
    kinds.set(label, row);
    totals[item.state]++;
    if (item.selected) totals.selected++;
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
