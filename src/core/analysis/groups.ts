// Collection -> Entra ID groups, in this order: the plan's explicit map > the AD group's SID
// (`onPremisesSecurityIdentifier`, for a collection whose single rule targets a single AD group) >
// the same display name > a cloud group to create (only if the plan allows) > unmapped, with why.
// The SID beats a name: two groups can share a name, a synced group's SID is its identity.
import type { Finding } from '../findings';
import type { MigrationPlan } from '../plan/types';
import type { Collection, SiteModel } from '../site/model';
import type { GroupMapping, MappedGroup, TenantGroup } from './types';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const lower = (s: string) => s.toLowerCase();

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
): GroupMappingResult {
  const findings: Finding[] = [];
  const byId = new Map(tenantGroups.map((g) => [lower(g.id), g]));
  const bySid = new Map(tenantGroups.filter((g) => g.onPremisesSecurityIdentifier).map((g) => [lower(g.onPremisesSecurityIdentifier!), g]));
  const named = (name: string) => tenantGroups.filter((g) => lower(g.displayName) === lower(name));
  const planMap = plan.groups?.map ?? {};
  const users = new Map(site.users.map((u) => [u.resourceId, u]));

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
      mappings.push(
        problems.length
          ? { ...base, status: 'unmapped', groups: [], reason: `the plan maps it, but ${problems.join('; ')}` }
          : { ...base, status: 'mapped', groups, reason: 'mapped in the plan (groups.map)' },
      );
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
        reason: `cm2intune created "${own.displayName}" for it (mail nickname ${own.mailNickname})`,
      });
      continue;
    }

    // 2. The AD group's SID, 3. the same display name.
    const ad = singleAdGroup(collection, site);
    const tried: string[] = [];
    if (ad) {
      const bySidHit = ad.sid ? bySid.get(lower(ad.sid)) : undefined;
      if (bySidHit) {
        mappings.push({
          ...base,
          status: 'mapped',
          groups: [{ id: bySidHit.id, displayName: bySidHit.displayName, via: 'sid' }],
          reason: `its single rule targets AD group ${ad.uniqueName}, synced as "${bySidHit.displayName}" (same SID)`,
        });
        continue;
      }
      tried.push(
        ad.sid
          ? `no Entra ID group has the SID of AD group ${ad.uniqueName}`
          : `the SID of AD group ${ad.uniqueName} is not in the site data`,
      );
    } else {
      tried.push(`it is not a collection with a single rule for a single AD group (${describeRules(collection)})`);
    }
    const names = [...new Set([ad?.name, collection.name].filter((n): n is string => Boolean(n)))];
    const nameHit = names.map((n) => [n, named(n)] as const).find(([, hits]) => hits.length === 1);
    if (nameHit) {
      const g = nameHit[1][0];
      mappings.push({
        ...base,
        status: 'mapped',
        groups: [{ id: g.id, displayName: g.displayName, via: 'name' }],
        reason: `an Entra ID group has the same name, "${g.displayName}"`,
      });
      continue;
    }
    for (const n of names) {
      const count = named(n).length;
      tried.push(count > 1 ? `${count} Entra ID groups are named "${n}"` : `no Entra ID group is named "${n}"`);
    }

    // 4. A cloud group to create, filled with the collection's users.
    if (plan.groups?.createMissing && collection.type === 'user') {
      const members = collection.memberResourceIds
        .map((id) => users.get(id))
        .filter((u) => u?.upn)
        .map((u) => u!.upn!);
      const without = collection.memberResourceIds.length - members.length;
      mappings.push({
        ...base,
        status: 'create',
        groups: [{ displayName: collection.name, via: 'create' }],
        members,
        reason:
          `a cloud security group "${collection.name}" will be created with the ${members.length} member${members.length === 1 ? '' : 's'} that have a UPN` +
          (without ? `; ${without} member${without === 1 ? ' has' : 's have'} no UPN in ConfigMgr and can't be added` : '') +
          ` (${tried.join('; ')})`,
      });
      continue;
    }

    // 5. Unmapped.
    const fix =
      collection.type === 'user'
        ? `map it in groups.map, or set groups.createMissing to create a cloud group from its members`
        : `device collections can't be matched to Entra ID device groups automatically: map it in groups.map`;
    mappings.push({ ...base, status: 'unmapped', groups: [], reason: `${tried.join('; ')}: ${fix}` });
  }
  return { mappings, findings };
}

function describeRules(c: Collection): string {
  if (c.rules.length === 0) return 'it has no membership rules';
  const counts = new Map<string, number>();
  for (const r of c.rules) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  return `it has ${[...counts].map(([k, n]) => `${n} ${k} rule${n > 1 ? 's' : ''}`).join(', ')}`;
}
