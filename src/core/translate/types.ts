// What translation says about one ConfigMgr object: can it be created in Intune, what is lost on
// the way and why, the exact Graph request, and which other objects must exist first.
import type { Platform, SiteObjectKind } from '../site/model';
import type { IntuneResource } from '../tenant/api-versions';

export type TranslationKind = SiteObjectKind | 'app' | 'termsAndConditions';
export type VerdictStatus = 'importable' | 'partial' | 'notImportable';
export type { IntuneResource };

export interface DroppedSetting {
  name: string;
  reason: string;
}

/**
 * What became of one setting read from the digest (`setting` is its digest name: the rule's
 * SettingLogicalName, or the payload attribute / child element). Exactly one per setting read;
 * `checkSettingOutcomes` proves it.
 */
export type SettingOutcome =
  | { setting: string; outcome: 'unchanged' }
  | { setting: string; outcome: 'changed'; from: string; to: string; reason: string }
  | { setting: string; outcome: 'dropped'; reason: string };

/**
 * Where a ConfigMgr setting went: its value as ConfigMgr holds it and the Intune property it
 * became (none when dropped). Recorded where the translation knows both (the settings catalogue);
 * the detail view shows it beside the outcome.
 */
export interface SettingMapping {
  setting: string;
  value: string;
  property?: string;
}

export interface Verdict {
  status: VerdictStatus;
  /** Why the object is not (fully) importable. */
  reasons: string[];
  droppedSettings: DroppedSetting[];
  /** One outcome per digest setting (configuration items; absent for apps and terms). */
  settings?: SettingOutcome[];
  /** ConfigMgr value and Intune property of the settings the translation maps one to one. */
  mapping?: SettingMapping[];
  /** Things the admin should know that don't change the status (e.g. SCEP URL still on-premises). */
  notes: string[];
}

export interface Dependency {
  /** The ConfigMgr unique id the object refers to. */
  uniqueId: string;
  /** The idempotency key of the Intune object that satisfies it (same platform). */
  key: string;
  /** Graph navigation property to bind, e.g. `rootCertificate`. */
  bind: string;
  many?: boolean;
}

export interface GraphCreate {
  resource: IntuneResource;
  apiVersion: 'v1.0' | 'beta';
  /** Full form: `#microsoft.graph.iosScepCertificateProfile`. */
  odataType: string;
  /** Without binds to other objects; `withBinds` adds them once their ids are known. */
  body: Record<string, unknown>;
}

export interface Translation {
  /**
   * Idempotency key, also the marker's content: the unique id without its revision, then `#` and
   * the platform (a multi-platform CI becomes one Intune object per platform) or, for apps, the
   * package kind. See marker.ts.
   */
  key: string;
  source: { uniqueId: string; ciId: number; kind: TranslationKind; name: string; platform: Platform | 'unknown' };
  verdict: Verdict;
  request?: GraphCreate;
  /** Objects that must exist in Intune first, with the navigation property each is bound to. */
  dependencies: Dependency[];
}

export interface TranslateOptions {
  /** NDES / certificate connector URL for SCEP profiles (plan `prepare.scepServerUrl`). */
  scepServerUrl?: string;
}
