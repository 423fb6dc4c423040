// The migration picture: every ConfigMgr object with its verdict, its Intune counterpart and a
// state; how each deployed collection maps to Entra ID groups; and what the admin must fix.
import type { Finding } from '../findings';
import type { MigrationPlan } from '../plan/types';
import type { AppIntent, AppPackage, Application, SiteModel, SiteObject } from '../site/model';
import type { AssignRequest, IntuneResource, Translation } from '../translate';
import type { MemberRef, MembershipDifference, TenantMember } from './membership';

export interface TenantGroup {
  id: string;
  displayName: string;
  onPremisesSecurityIdentifier: string | null;
  mailNickname?: string | null;
  /** Its direct members, read for the groups a collection may map to; absent = not read (nothing compared). */
  members?: TenantMember[];
}

export interface TenantObject {
  id: string;
  resource: IntuneResource;
  /** As Graph returns it: `#microsoft.graph.iosGeneralDeviceConfiguration`. */
  odataType: string;
  displayName: string;
  description: string;
}

export type ItemState = 'notImported' | 'importable' | 'partial' | 'imported' | 'drifted' | 'blocked';

export type GroupVia = 'plan' | 'created' | 'sid' | 'name' | 'create';

export interface MappedGroup {
  /** Absent for a group still to create. */
  id?: string;
  displayName: string;
  via: GroupVia;
}

export interface GroupMapping {
  collectionId: string;
  collectionName: string;
  status: 'mapped' | 'create' | 'unmapped';
  groups: MappedGroup[];
  /** How it was mapped, or why it could not be, in the admin's words. */
  reason: string;
  /** For `create`: the collection's effective users, resolved in Entra ID by SID, then UPN. */
  members?: MemberRef[];
  /** For `create`: collection users with neither a UPN nor a SID in ConfigMgr, who can't be added (DOMAIN\user). */
  unresolvable?: string[];
  /**
   * How the members of the group it maps to (or of the group it was not mapped to because of
   * this) differ from the collection's effective members; absent when they are the same or were not read.
   */
  membership?: { groupName: string; difference: MembershipDifference; summary: string };
  /** Direct members of the group it maps to (when they were read), or for `create` the users it will get. */
  memberCount?: number;
  /**
   * How many objects' assignments target it (include or exclude). A `create` mapping nothing
   * targets is never created by an import: the faces say so instead of "will be created".
   */
  assignedBy?: number;
}

export interface Counterpart {
  id: string;
  displayName: string;
  odataType: string;
  via: 'marker' | 'ledger';
}

export interface Deployment {
  collectionId: string;
  collectionName: string;
  /** Apps only. */
  intent?: AppIntent;
  /** The configuration baseline the CI is deployed through, if any. */
  baseline?: string;
}

export interface PictureItem {
  key: string;
  translation: Translation;
  /** Chosen by the plan's import selection. */
  selected: boolean;
  state: ItemState;
  /** Why this state (drift details, missing dependencies, retirement, …); the verdict holds the rest. */
  stateReasons: string[];
  /**
   * Every reason for what happens to this object, each once: the verdict's reasons, the settings
   * left out, then the state's reasons. What a report or a preview shows next to `state` (a
   * blocked object is `blocked` there, whatever its verdict alone would say).
   */
  reasons: string[];
  /** Why ConfigMgr considers the object retired (expired, superseded, hidden, disabled); empty = current. */
  retired: string[];
  counterpart?: Counterpart;
  /** The counterpart carries the marker but is of another `@odata.type` (kind or platform): never assigned. */
  wrongType?: boolean;
  /** Its display name in Intune when not the source's: beside a hand-made object of the same name. */
  intuneName?: string;
  /** The Intune id the ledger has for it when the tenant no longer has that object (nor its marker). */
  deletedFromIntune?: string;
  deployments: Deployment[];
  /** The assign action for its deployments (when the plan imports assignments and groups are known). */
  assign?: AssignRequest;
  /** Deployments that can't become assignments, and why. */
  assignmentNotes: string[];
}

export interface MigrationPicture {
  items: PictureItem[];
  groups: GroupMapping[];
  /** Item keys in create order (dependencies first). */
  order: string[];
  findings: Finding[];
}

export interface PictureInput {
  site: SiteModel;
  objects: SiteObject[];
  apps: { application: Application; package: AppPackage }[];
  plan: MigrationPlan;
  /** `notInTenant`: collection users (userKey) Entra ID has no user for, looked up by SID and UPN. */
  tenant: { groups: TenantGroup[]; objects: TenantObject[]; notInTenant?: string[] };
  /** Source key -> Intune id, from the ledger (a cache; the tenant is the truth). */
  ledger: Map<string, string>;
}
