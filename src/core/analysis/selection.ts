// How the plan's selection (plan/selection.ts) sees each kind of object, and how messages name one.
import type { MigrationPlan, ObjectKindSelector } from '../plan/types';
import type { SiteModel } from '../site/model';
import { sameUniqueId } from '../unique-id';
import type { SelectionSubject } from '../plan/selection';
import type { Translation, TranslationKind } from '../translate';
import { platformLabel } from '../translate/common';
import type { ItemState } from './types';

const SELECTOR: Record<TranslationKind, ObjectKindSelector | null> = {
  configuration: 'configuration',
  compliance: 'compliance',
  trustedRoot: 'certificate',
  scep: 'certificate',
  pfx: 'certificate',
  wifi: 'wifi',
  vpn: 'vpn',
  email: 'email',
  app: 'app',
  termsAndConditions: null,
};

export const KIND_LABELS: Record<TranslationKind, string> = {
  configuration: 'configuration item',
  compliance: 'compliance policy',
  trustedRoot: 'trusted root certificate profile',
  scep: 'SCEP certificate profile',
  pfx: 'PFX certificate profile',
  wifi: 'Wi-Fi profile',
  vpn: 'VPN profile',
  email: 'e-mail profile',
  app: 'app',
  termsAndConditions: 'terms and conditions',
};

/** An item's state in words, for every face (lower case: they stand inside sentences). */
export const STATE_LABELS: Record<ItemState, string> = {
  notImported: 'not imported',
  importable: 'importable',
  partial: 'partly importable',
  imported: 'imported',
  drifted: 'drifted',
  blocked: 'blocked',
};

/** The object as the plan's selection sees it (terms and conditions are never imported). */
export function selectionSubject(t: Pick<Translation, 'source'>): SelectionSubject {
  return { uniqueId: t.source.uniqueId, name: t.source.name, selector: SELECTOR[t.source.kind] };
}

/** "Contoso Wi-Fi (iOS)": the platform added unless the admin's name already ends with it. */
export function nameWithPlatform(name: string, platform: string | undefined): string {
  return platform && !name.endsWith(`(${platform})`) ? `${name} (${platform})` : name;
}

export function describe(t: Translation): string {
  const platform = platformLabel(t.source.platform);
  return `${KIND_LABELS[t.source.kind]} "${t.source.name}"${platform ? ` (${platform})` : ''}`;
}

export type SelectionList = 'include' | 'exclude' | 'includeRetired';

/** Entries of import.include / exclude / includeRetired that name no configuration item or application of the site. */
export function unknownSelectionIds(
  plan: MigrationPlan,
  site: SiteModel,
): { list: SelectionList; index: number; id: string; pointer: string; message: string }[] {
  const known = [...site.configurationItems, ...site.applications].map((o) => o.uniqueId);
  const out: ReturnType<typeof unknownSelectionIds> = [];
  for (const list of ['include', 'exclude', 'includeRetired'] as const) {
    (plan.import?.[list] ?? []).forEach((id, index) => {
      if (known.some((k) => sameUniqueId(k, id))) return;
      out.push({
        list,
        index,
        id,
        pointer: `/import/${list}/${index}`,
        message: `import.${list} names "${id}", which matches no object of the site (${site.origin}): check the ConfigMgr unique id (\`cm2intune site summary\` lists the objects), or remove it.`,
      });
    });
  }
  return out;
}

/** Why an object cm2intune created is to be made again: it was deleted from Intune since. */
export const deletedFromIntuneNote = (formerId: string) => `deleted from Intune since cm2intune created it (as ${formerId})`;
