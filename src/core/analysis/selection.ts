// Which objects the plan selects: `import.kinds` (omitted = all), `import.include` (omitted = all
// of those kinds), minus `import.exclude`, minus retired objects the plan does not list in
// `import.includeRetired`. Unique ids compare without revision, case-insensitively.
import type { MigrationPlan, ObjectKindSelector } from '../plan/types';
import type { SiteModel } from '../site/model';
import { sameUniqueId, type Translation, type TranslationKind } from '../translate';
import { platformLabel } from '../translate/common';

const SELECTOR: Record<TranslationKind, ObjectKindSelector | null> = {
  configuration: 'configuration', compliance: 'compliance', trustedRoot: 'certificate', scep: 'certificate', pfx: 'certificate',
  wifi: 'wifi', vpn: 'vpn', email: 'email', app: 'app', termsAndConditions: null,
};

export const KIND_LABELS: Record<TranslationKind, string> = {
  configuration: 'configuration item', compliance: 'compliance policy', trustedRoot: 'trusted root certificate profile',
  scep: 'SCEP certificate profile', pfx: 'PFX certificate profile', wifi: 'Wi-Fi profile', vpn: 'VPN profile', email: 'e-mail profile',
  app: 'app', termsAndConditions: 'terms and conditions',
};

/**
 * Why the plan leaves an object out, with the JSON pointer of the plan entry responsible; null =
 * selected. `retired`: why ConfigMgr considers the object retired (analysis/retired.ts).
 */
export function exclusion(t: Translation, plan: MigrationPlan, retired: readonly string[] = []): { why: string; pointer: string } | null {
  const selector = SELECTOR[t.source.kind];
  if (!selector) return { why: 'it is never imported', pointer: '/import' };
  const imp = plan.import ?? {};
  if (imp.kinds && !imp.kinds.includes(selector)) return { why: `its kind "${selector}" is not in import.kinds`, pointer: '/import/kinds' };
  if (imp.include && !imp.include.some((id) => sameUniqueId(id, t.source.uniqueId))) return { why: 'it is not in import.include', pointer: '/import/include' };
  const i = (imp.exclude ?? []).findIndex((id) => sameUniqueId(id, t.source.uniqueId));
  if (i >= 0) return { why: 'it is excluded in import.exclude', pointer: `/import/exclude/${i}` };
  if (retired.length && !(imp.includeRetired ?? []).some((id) => sameUniqueId(id, t.source.uniqueId))) {
    return { why: `it is ${retired.join(', ')} in ConfigMgr, and retired objects are imported only when import.includeRetired lists them`, pointer: '/import/includeRetired' };
  }
  return null;
}

export function describe(t: Translation): string {
  const platform = platformLabel(t.source.platform);
  return `${KIND_LABELS[t.source.kind]} "${t.source.name}"${platform ? ` (${platform})` : ''}`;
}

export type SelectionList = 'include' | 'exclude' | 'includeRetired';

/** Entries of import.include / exclude / includeRetired that name no configuration item or application of the site. */
export function unknownSelectionIds(plan: MigrationPlan, site: SiteModel): { list: SelectionList; index: number; id: string; pointer: string; message: string }[] {
  const known = [...site.configurationItems, ...site.applications].map((o) => o.uniqueId);
  const out: ReturnType<typeof unknownSelectionIds> = [];
  for (const list of ['include', 'exclude', 'includeRetired'] as const) {
    (plan.import?.[list] ?? []).forEach((id, index) => {
      if (known.some((k) => sameUniqueId(k, id))) return;
      out.push({
        list, index, id, pointer: `/import/${list}/${index}`,
        message: `import.${list} names "${id}", which matches no object of the site (${site.origin}): check the ConfigMgr unique id (\`cm2intune site summary\` lists the objects), or remove it.`,
      });
    });
  }
  return out;
}

