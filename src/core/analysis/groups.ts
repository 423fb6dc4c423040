// Collection -> Entra ID groups, in this order: the plan's explicit map > the AD group's SID
// (`onPremisesSecurityIdentifier`, for a collection whose single rule targets a single AD group) >
// the same display name > a cloud group to create (only if the plan allows) > unmapped, with why.
// The SID beats a name: two groups can share a name, a synced group's SID is its identity.
// A group found by SID or name stands for the collection only if its members are the
// collection's effective members (membership.ts), or the plan accepts it as it is; a name
// several groups share is never guessed, nor created a third time.
import type { Finding } from '../findings';
import type { MigrationPlan } from '../plan/types';
import type { Collection, SiteModel } from '../site/model';
import { describeDifference, effectiveUsers, groupDifference, inTenant, memberRef, membersDiffer } from './membership';
import type { GroupMapping, MappedGroup, TenantGroup } from './types';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const lower = (s: string) => s.toLowerCase();
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

interface AdGroup {
  /** DOMAIN\Group */
  uniqueName: string;
  name: string;
  sid: string | null;
}

/** Without string literals, so `and`/`or` inside a group name don't count. */
const withoutStrings = (wql: string) => wql.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');

/** The AD group a collection stands for, when its one rule targets exactly one AD group. */
export function singleAdGroup(collection: Collection, site: SiteModel): AdGroup | null {
  if (collection.rules.length !== 1) return null;
  const rule = collection.rules[0];
  const byName = (uniqueName: string): AdGroup => {
    const known = site.userGroups.find((g) => lower(g.uniqueName) === lower(uniqueName));
    return known
      ? { uniqueName: known.uniqueName, name: known.name, sid: known.sid }
      : { uniqueName, name: uniqueName.split('\\').pop() ?? uniqueName, sid: null };
  };
  if (rule.kind === 'direct') {
    const group = site.userGroups.find((g) => g.resourceId === rule.resourceId);
    return group ? { uniqueName: group.uniqueName, name: group.name, sid: group.sid } : null;
  }
  if (rule.kind !== 'query') return null;
  // `… where SMS_R_User.UserGroupName = "CONTOSO\\Sales Users"` and nothing else in the where clause.
  const where = withoutStrings(rule.wql).split(/\bwhere\b/i);
  if (where.length !== 2 || /\b(and|or|not|in)\b/i.test(where[1]) || /\bjoin\b/i.test(where[0])) return null;
  const m = /SMS_R_User\.UserGroupName\s*=\s*(["'])((?:(?!\1)[^\\]|\\.)*)\1/i.exec(rule.wql);
  if (!m) return null;
  return byName(m[2].replace(/\\(.)/g, '$1'));
}

export interface GroupMappingResult {
  mappings: GroupMapping[];
  findings: Finding[];
}

/** Mail nickname prefix of the groups cm2intune creates: `cm2intune-<collection id>`. */
export const CREATED_GROUP_PREFIX = 'cm2intune-';

export function mapCollections(
  site: SiteModel,
  plan: MigrationPlan,
  tenantGroups: TenantGroup[],
  collectionIds: Iterable<string>,
  /** Collection users (userKey) a lookup by SID and UPN found no Entra ID user for: not a difference. */
  notInTenant?: string[],
): GroupMappingResult {
  const known = inTenant(notInTenant);
  const findings: Finding[] = [];
  const byId = new Map(tenantGroups.map((g) => [lower(g.id), g]));
  const bySid = new Map(tenantGroups.filter((g) => g.onPremisesSecurityIdentifier).map((g) => [lower(g.onPremisesSecurityIdentifier!), g]));
  const named = (name: string) => tenantGroups.filter((g) => lower(g.displayName) === lower(name));
  const planMap = plan.groups?.map ?? {};
  const acceptList = plan.groups?.acceptDifferentMembers ?? [];
  const accept = new Set(acceptList);

  for (const collectionId of Object.keys(planMap)) {
    if (!site.collections.some((c) => c.id === collectionId)) {
      findings.push({
        severity: 'warning',
        code: 'analysis/unknown-collection',
        pointer: `/groups/map/${collectionId}`,
        message: `groups.map names collection ${collectionId}, which is not in site ${site.siteCode}. Check the collection ID in the ConfigMgr console, or remove the entry.`,
      });
    }
  }

  acceptList.forEach((collectionId, i) => {
    if (!site.collections.some((c) => c.id === collectionId))
      findings.push({
        severity: 'warning',
        code: 'analysis/unknown-collection',
        pointer: `/groups/acceptDifferentMembers/${i}`,
        message: `groups.acceptDifferentMembers names collection ${collectionId}, which is not in site ${site.siteCode}. Check the collection ID in the ConfigMgr console, or remove the entry.`,
      });
  });

  const mappings: GroupMapping[] = [];
  for (const collectionId of new Set(collectionIds)) {
    const collection = site.collections.find((c) => c.id === collectionId);
    if (!collection) {
      mappings.push({
        collectionId,
        collectionName: collectionId,
        status: 'unmapped',
        groups: [],
        reason: `collection ${collectionId} is not in the site data`,
      });
      continue;
    }
    const base = { collectionId, collectionName: collection.name };
    const label = `collection "${collection.name}" (${collectionId})`;

    // 1. The plan's explicit map.
    const entries = planMap[collectionId];
    if (entries) {
      const groups: MappedGroup[] = [];
      const problems: string[] = [];
      entries.forEach((entry, i) => {
        const ref = typeof entry === 'string' ? (GUID.test(entry) ? { id: entry } : { name: entry }) : entry;
        const pointer = `/groups/map/${collectionId}/${i}`;
        if (ref.id) {
          const g = byId.get(lower(ref.id));
          if (g) groups.push({ id: g.id, displayName: g.displayName, via: 'plan' });
          else problems.push(`group id ${ref.id} is not in the tenant`);
          if (!g)
            findings.push({
              severity: 'error',
              code: 'analysis/plan-group-not-found',
              pointer,
              message: `groups.map maps ${label} to group id ${ref.id}, which is not in the tenant. Check the id in Entra ID, or name the group instead.`,
            });
          return;
        }
        const hits = named(ref.name ?? '');
        if (hits.length === 1) {
          groups.push({ id: hits[0].id, displayName: hits[0].displayName, via: 'plan' });
          return;
        }
        problems.push(hits.length === 0 ? `no group is named "${ref.name}"` : `${hits.length} groups are named "${ref.name}"`);
        findings.push({
          severity: 'error',
          code: hits.length === 0 ? 'analysis/plan-group-not-found' : 'analysis/plan-group-ambiguous',
          pointer,
          message:
            hits.length === 0
              ? `groups.map maps ${label} to "${ref.name}", but no Entra ID group has that name. Create the group or fix the name.`
              : `groups.map maps ${label} to "${ref.name}", but ${hits.length} Entra ID groups have that name. Use { "id": "<object id>" } for the one you mean.`,
        });
      });
      if (problems.length) {
        mappings.push({ ...base, status: 'unmapped', groups: [], reason: `the plan maps it, but ${problems.join('; ')}` });
        continue;
      }
      // The plan's choice stands; a difference in members is said, so it is a choice made knowingly.
      const read = groups.map((g) => byId.get(lower(g.id!))?.members);
      const difference = read.every(Boolean)
        ? groupDifference(
            site,
            collectionId,
            read.flatMap((m) => m!),
            known,
          )
        : null;
      const membership =
        difference && membersDiffer(difference)
          ? { groupName: groups.map((g) => g.displayName).join(', '), difference, summary: describeDifference(difference) }
          : undefined;
      if (membership)
        findings.push({
          severity: 'warning',
          code: 'analysis/group-members-differ',
          pointer: `/groups/map/${collectionId}`,
          message: `groups.map maps ${label} to ${groups.map((g) => `"${g.displayName}"`).join(', ')}, whose members differ from the collection's effective members: ${membership.summary}. The assignments use them as the plan says; check that this is what you want.`,
        });
      mappings.push({
        ...base,
        status: 'mapped',
        groups,
        reason: 'mapped in the plan (groups.map)',
        ...(membership ? { membership } : {}),
      });
      continue;
    }

    // A group cm2intune created for this collection in an earlier run, found by its mail nickname
    // (renamed or not): its own object, so never a second copy.
    const own = tenantGroups.find((g) => lower(g.mailNickname ?? '') === lower(CREATED_GROUP_PREFIX + collection.id));
    if (own) {
      mappings.push({
        ...base,
        status: 'mapped',
        groups: [{ id: own.id, displayName: own.displayName, via: 'created' }],
        reason: `cm2intune created "${own.displayName}" for it (mail nickname ${own.mailNickname})${own.members ? `; it has ${plural(own.members.length, 'member')}` : ''}`,
        ...(own.members ? { memberCount: own.members.length } : {}),
      });
      continue;
    }

    // 2. The AD group's SID, 3. the same display name: only a group whose members are the
    // collection's effective members, or one the plan accepts as it is.
    const ad = singleAdGroup(collection, site);
    const tried: string[] = [];
    const rejected = new Set<string>();
    const differing: { group: TenantGroup; how: string; membership: NonNullable<GroupMapping['membership']> }[] = [];
    /** The group, if it may stand for the collection; else why not (in `tried`) and a finding. */
    const fits = (g: TenantGroup, how: string): GroupMapping['membership'] | false => {
      if (!g.members) return undefined;
      const difference = groupDifference(site, collection.id, g.members, known);
      if (!membersDiffer(difference)) return undefined;
      const membership = { groupName: g.displayName, difference, summary: describeDifference(difference) };
      if (accept.has(collection.id)) {
        findings.push({
          severity: 'warning',
          code: 'analysis/group-members-differ',
          pointer: `/groups/acceptDifferentMembers/${acceptList.indexOf(collection.id)}`,
          message: `Group "${g.displayName}" (${how}) stands for ${label} although its members differ from the collection's: ${membership.summary}. The plan accepts it (groups.acceptDifferentMembers).`,
        });
        return membership;
      }
      rejected.add(g.id);
      differing.push({ group: g, how, membership });
      tried.push(`Entra ID group "${g.displayName}" (${how}) has other members than the collection: ${membership.summary}`);
      return false;
    };
    if (ad) {
      const bySidHit = ad.sid ? bySid.get(lower(ad.sid)) : undefined;
      const fit = bySidHit && fits(bySidHit, `same SID as AD group ${ad.uniqueName}`);
      if (bySidHit && fit !== false) {
        mappings.push({
          ...base,
          status: 'mapped',
          groups: [{ id: bySidHit.id, displayName: bySidHit.displayName, via: 'sid' }],
          reason: `its single rule targets AD group ${ad.uniqueName}, synced as "${bySidHit.displayName}" (same SID)`,
          ...(fit ? { membership: fit } : {}),
        });
        continue;
      }
      if (!bySidHit)
        tried.push(
          ad.sid
            ? `no Entra ID group has the SID of AD group ${ad.uniqueName}`
            : `the SID of AD group ${ad.uniqueName} is not in the site data`,
        );
    } else {
      tried.push(`it is not a collection with a single rule for a single AD group (${describeRules(collection)})`);
    }
    const names = [...new Set([ad?.name, collection.name].filter((n): n is string => Boolean(n)))];
    let mapped = false;
    const ambiguous: string[] = [];
    for (const n of names) {
      const hits = named(n);
      if (hits.length > 1) {
        ambiguous.push(n);
        tried.push(`${hits.length} Entra ID groups are named "${n}"`);
        continue;
      }
      if (hits.length === 0) {
        tried.push(`no Entra ID group is named "${n}"`);
        continue;
      }
      const g = hits[0];
      if (rejected.has(g.id)) continue;
      const fit = fits(g, 'same name');
      if (fit === false) continue;
      mappings.push({
        ...base,
        status: 'mapped',
        groups: [{ id: g.id, displayName: g.displayName, via: 'name' }],
        reason: `an Entra ID group has the same name, "${g.displayName}"`,
        ...(fit ? { membership: fit } : {}),
      });
      mapped = true;
      break;
    }
    if (mapped) continue;
    const createInstead = plan.groups?.createMissing && collection.type === 'user' && ambiguous.length === 0;
    for (const d of differing) {
      findings.push({
        severity: 'warning',
        code: 'analysis/group-members-differ',
        pointer: '/groups/acceptDifferentMembers',
        message:
          `Entra ID group "${d.group.displayName}" matches ${label} (${d.how}), but its members are not the collection's effective members: ${d.membership.summary}. ` +
          `It is not used for assignments${createInstead ? "; a cloud group with the collection's members is created instead" : ', so the deployments to the collection are not carried over'}. ` +
          `If the group is right as it is, add ${collection.id} to groups.acceptDifferentMembers; or map the collection in groups.map.`,
      });
    }
    // A name shared by several groups: no guess, and no create beside them.
    if (ambiguous.length) {
      findings.push({
        severity: 'warning',
        code: 'analysis/group-ambiguous',
        pointer: '/groups/map',
        message: `${ambiguous.map((n) => `${named(n).length} Entra ID groups are named "${n}"`).join('; ')}: ${label} is not mapped and no group is created for it. Map it in groups.map with { "id": "<object id>" } of the group you mean.`,
      });
      mappings.push({
        ...base,
        status: 'unmapped',
        groups: [],
        reason: `${tried.join('; ')}: the name is ambiguous; map it in groups.map by group id`,
        ...(differing[0] ? { membership: differing[0].membership } : {}),
      });
      continue;
    }

    // 4. A cloud group to create, filled with the collection's effective users: found in Entra ID
    // by SID (a user ConfigMgr knows without a UPN) or by UPN.
    if (createInstead) {
      const users = effectiveUsers(site, collection.id);
      const members = users.filter((u) => u.upn || u.sid).map(memberRef);
      const unresolvable = users.filter((u) => !u.upn && !u.sid).map((u) => u.uniqueName);
      // Beside a group of the same name (one with other members, say), the new one must be told apart.
      const displayName = named(collection.name).length ? `${collection.name} (ConfigMgr ${collection.id})` : collection.name;
      mappings.push({
        ...base,
        status: 'create',
        groups: [{ displayName, via: 'create' }],
        members,
        unresolvable,
        reason:
          `a cloud security group "${displayName}" will be created with the collection's ${members.length} user${members.length === 1 ? '' : 's'}` +
          (unresolvable.length
            ? `; ${unresolvable.length} user${unresolvable.length === 1 ? ' has' : 's have'} neither a UPN nor a SID in ConfigMgr and can't be added (${unresolvable.slice(0, 5).join(', ')}${unresolvable.length > 5 ? ', …' : ''})`
            : '') +
          ` (${tried.join('; ')})`,
        ...(differing[0] ? { membership: differing[0].membership } : {}),
      });
      continue;
    }

    // 5. Unmapped.
    const fix =
      collection.type === 'user'
        ? `map it in groups.map, or set groups.createMissing to create a cloud group from its members`
        : `device collections can't be matched to Entra ID device groups automatically: map it in groups.map`;
    mappings.push({
      ...base,
      status: 'unmapped',
      groups: [],
      reason: `${tried.join('; ')}: ${fix}`,
      ...(differing[0] ? { membership: differing[0].membership } : {}),
    });
  }
  for (const m of mappings) {
    if (m.memberCount !== undefined) continue;
    if (m.status === 'create') m.memberCount = m.members?.length ?? 0;
    else if (m.status === 'mapped' && m.groups.length === 1) {
      const read = byId.get(lower(m.groups[0].id ?? ''))?.members;
      if (read) m.memberCount = read.length;
    }
  }
  return { mappings, findings };
}

function describeRules(c: Collection): string {
  if (c.rules.length === 0) return 'it has no membership rules';
  const counts = new Map<string, number>();
  for (const r of c.rules) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  return `it has ${[...counts].map(([k, n]) => `${n} ${k} rule${n > 1 ? 's' : ''}`).join(', ')}`;
}

/**
 * The groups whose members mapCollections compares for these collections: those the plan maps
 * them to, the one with the AD group's SID, and the one with their name (when only one has it).
 * Reading members costs a call per group: the import reads only these.
 */
export function memberCandidates(
  site: SiteModel,
  plan: MigrationPlan,
  tenantGroups: TenantGroup[],
  collectionIds: Iterable<string>,
): string[] {
  return [...new Set([...candidatesByCollection(site, plan, tenantGroups, collectionIds).values()].flat())];
}

/** memberCandidates per collection id. */
export function candidatesByCollection(
  site: SiteModel,
  plan: MigrationPlan,
  tenantGroups: TenantGroup[],
  collectionIds: Iterable<string>,
): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const named = (name: string) => tenantGroups.filter((g) => lower(g.displayName) === lower(name));
  for (const id of new Set(collectionIds)) {
    const collection = site.collections.find((c) => c.id === id);
    if (!collection) continue;
    const out = new Set<string>();
    for (const entry of plan.groups?.map?.[id] ?? []) {
      const ref = typeof entry === 'string' ? (GUID.test(entry) ? { id: entry } : { name: entry }) : entry;
      const hits = ref.id ? tenantGroups.filter((g) => lower(g.id) === lower(ref.id!)) : named(ref.name ?? '');
      if (hits.length === 1) out.add(hits[0].id);
    }
    result.set(id, [...out]);
    if (plan.groups?.map?.[id]) continue;
    // A group cm2intune created: read so that a run cut short can add the members it lacks.
    const own = tenantGroups.find((g) => lower(g.mailNickname ?? '') === lower(CREATED_GROUP_PREFIX + id));
    if (own) {
      result.set(id, [own.id]);
      continue;
    }
    const ad = singleAdGroup(collection, site);
    const sidHit = ad?.sid ? tenantGroups.find((g) => lower(g.onPremisesSecurityIdentifier ?? '') === lower(ad.sid!)) : undefined;
    if (sidHit) out.add(sidHit.id);
    for (const n of [ad?.name, collection.name]) {
      const hits = n ? named(n) : [];
      if (hits.length === 1) out.add(hits[0].id);
    }
    result.set(id, [...out]);
  }
  return result;
}

/** The collections deployments target, with the collections their exclude rules name, and those the plan maps. */
export function deployedCollectionIds(site: SiteModel, plan: MigrationPlan): string[] {
  const ids = new Set<string>([...site.ciAssignments.map((a) => a.collectionId), ...site.appAssignments.map((a) => a.collectionId)]);
  for (const id of [...ids])
    for (const rule of site.collections.find((c) => c.id === id)?.rules ?? []) if (rule.kind === 'exclude') ids.add(rule.collectionId);
  for (const id of Object.keys(plan.groups?.map ?? {})) ids.add(id);
  return [...ids];
}
