// Effective membership: who a collection reaches in ConfigMgr against who a group reaches in
// Entra ID. One comparison, used by phase 1 (may a matched group stand for the collection?) and by
// phase 2 (does it still?).
import type { SiteModel, User } from '../site/model';
import type { TenantMember } from '../tenant/read';

export type { TenantMember };

/** A collection member as the product names and resolves it. */
export interface MemberRef {
  /** The UPN, else DOMAIN\user. */
  label: string;
  upn: string | null;
  sid: string | null;
}

export interface MembershipDifference {
  /** In the group, not in the collection: the group would reach them, ConfigMgr did not (`+N`). */
  added: string[];
  /** In the collection, not in the group: ConfigMgr reached them, the group would not (`−M`). */
  removed: MemberRef[];
  /** Groups nested in the group: their members reach the assignment too but were not compared. */
  nested: string[];
  /** In the collection, but Entra ID has no such user (not synced): no group can reach them, so no difference. */
  absent: MemberRef[];
}

/** A collection user's identity for the list of those Entra ID does not have: `sid|upn`, lower case. */
export const userKey = (u: Pick<MemberRef, 'sid' | 'upn'>) => `${u.sid ?? ''}|${u.upn ?? ''}`.toLowerCase();

/**
 * Whether Entra ID has this collection user: yes, unless a lookup by SID and UPN found nobody
 * (`notInTenant`, userKey). A user never looked up counts, so a difference is never hidden.
 */
export function inTenant(notInTenant: string[] | undefined): ((u: MemberRef) => boolean) | undefined {
  if (!notInTenant?.length) return undefined;
  const absent = new Set(notInTenant);
  return (u) => !absent.has(userKey(u));
}

const lower = (s: string) => s.toLowerCase();

export const memberRef = (u: Pick<User, 'upn' | 'uniqueName' | 'sid'>): MemberRef => ({
  label: u.upn ?? u.uniqueName,
  upn: u.upn,
  sid: u.sid,
});

/**
 * The users a collection reaches: its resource ids from `v_FullCollectionMembership`, which
 * ConfigMgr evaluates itself (limiting collection ∩ include and query/direct rules − exclude
 * rules, transitively). Resource ids that are not users (user groups the rules also bring in) are
 * left out: their users are members in their own right.
 */
export function effectiveUsers(site: SiteModel, collectionId: string): User[] {
  const byId = new Map(site.users.map((u) => [u.resourceId, u]));
  const collection = site.collections.find((c) => c.id === collectionId);
  return [...new Set(collection?.memberResourceIds ?? [])].flatMap((id) => byId.get(id) ?? []);
}

/**
 * The collection's users against the group's direct members: each user is matched by SID, then
 * by UPN (ConfigMgr's discovery data as read has no Entra ID object id; a member already matched
 * is not matched twice).
 */
export function compareMembers(
  collectionUsers: Pick<User, 'upn' | 'uniqueName' | 'sid'>[],
  members: TenantMember[],
  known?: (u: MemberRef) => boolean,
): MembershipDifference {
  const users = members.filter((m) => m.kind === 'user');
  const bySid = new Map(users.filter((m) => m.onPremisesSecurityIdentifier).map((m) => [lower(m.onPremisesSecurityIdentifier!), m]));
  const byUpn = new Map(users.filter((m) => m.userPrincipalName).map((m) => [lower(m.userPrincipalName!), m]));
  const matched = new Set<string>();
  const removed: MemberRef[] = [];
  const absent: MemberRef[] = [];
  for (const u of collectionUsers) {
    const hit = (u.sid && bySid.get(lower(u.sid))) || (u.upn && byUpn.get(lower(u.upn))) || undefined;
    if (hit && !matched.has(hit.id)) matched.add(hit.id);
    else if (known && !known(memberRef(u))) absent.push(memberRef(u));
    else removed.push(memberRef(u));
  }
  return {
    added: users.filter((m) => !matched.has(m.id)).map((m) => m.userPrincipalName ?? m.displayName ?? m.id),
    removed,
    nested: members.filter((m) => m.kind === 'group').map((m) => m.displayName ?? m.id),
    absent,
  };
}

/**
 * How a group's members differ from a collection's effective users: the one comparison phase 1
 * and phase 2 make. Members who are users of a collection its exclude rules name don't count:
 * the assignment carries those rules over as exclusion targets (or is not made), so they are
 * never reached.
 */
export function groupDifference(
  site: SiteModel,
  collectionId: string,
  members: TenantMember[],
  known?: (u: MemberRef) => boolean,
): MembershipDifference {
  const rules = site.collections.find((c) => c.id === collectionId)?.rules ?? [];
  const excluded = rules.flatMap((r) => (r.kind === 'exclude' ? effectiveUsers(site, r.collectionId) : []));
  const sids = new Set(excluded.flatMap((u) => (u.sid ? [lower(u.sid)] : [])));
  const upns = new Set(excluded.flatMap((u) => (u.upn ? [lower(u.upn)] : [])));
  const counted = members.filter(
    (m) =>
      m.kind !== 'user' ||
      !(
        (m.onPremisesSecurityIdentifier && sids.has(lower(m.onPremisesSecurityIdentifier))) ||
        (m.userPrincipalName && upns.has(lower(m.userPrincipalName)))
      ),
  );
  return compareMembers(effectiveUsers(site, collectionId), counted, known);
}

export const membersDiffer = (d: MembershipDifference) => d.added.length + d.removed.length + d.nested.length > 0;

const FIRST = 5;
const first = (names: string[]) => names.slice(0, FIRST).join(', ') + (names.length > FIRST ? `, … (${names.length - FIRST} more)` : '');

/** `+2 / −1 users (+ ana@…, bo@…; − DOMAIN\carl)`, and the nested groups, for a finding or a check. */
export function describeDifference(d: MembershipDifference): string {
  const names = [d.added.length ? `+ ${first(d.added)}` : '', d.removed.length ? `− ${first(d.removed.map((r) => r.label))}` : ''].filter(
    Boolean,
  );
  const nested = d.nested.length
    ? `; it contains group${d.nested.length > 1 ? 's' : ''} ${first(d.nested.map((n) => `"${n}"`))}, whose members were not compared`
    : '';
  const absent = d.absent.length ? `; ${d.absent.length} collection user${d.absent.length > 1 ? 's are' : ' is'} not in Entra ID` : '';
  return `+${d.added.length} / −${d.removed.length} users${names.length ? ` (${names.join('; ')})` : ''}${nested}${absent}`;
}
