// Collections and their rules: v_Collection, v_CollectionRuleQuery, v_CollectionRuleDirect,
// vSMS_CollectionDependencies (include/exclude; limiting comes from v_Collection) and
// v_FullCollectionMembership.
import sql from 'mssql';
import type { Collection, CollectionRule, CollectionType } from '../model';
import type { SqlConnection } from './connection';

const RELATION_INCLUDE = 2;
const RELATION_EXCLUDE = 3;

export async function readCollections(db: SqlConnection, signal?: AbortSignal): Promise<Collection[]> {
  const collections = await db.query<{
    CollectionID: string;
    Name: string;
    CollectionType: number;
    MemberCount: number | null;
    LimitToCollectionID: string | null;
    LastChangeTime: Date | null;
  }>(
    'v_Collection',
    'SELECT CollectionID, Name, CollectionType, MemberCount, LimitToCollectionID, LastChangeTime FROM v_Collection ORDER BY CollectionID',
    [],
    signal,
  );
  const queries = await db.query<{ CollectionID: string; QueryID: number; RuleName: string | null; QueryExpression: string | null }>(
    'v_CollectionRuleQuery',
    'SELECT CollectionID, QueryID, RuleName, QueryExpression FROM v_CollectionRuleQuery ORDER BY CollectionID, QueryID',
    [],
    signal,
  );
  const directs = await db.query<{ CollectionID: string; ResourceID: number; RuleName: string | null }>(
    'v_CollectionRuleDirect',
    'SELECT CollectionID, ResourceID, RuleName FROM v_CollectionRuleDirect ORDER BY CollectionID, ResourceID',
    [],
    signal,
  );
  const dependencies = await db.query<{ DependentCollectionID: string; SourceCollectionID: string; RelationshipType: number }>(
    'vSMS_CollectionDependencies',
    'SELECT DependentCollectionID, SourceCollectionID, RelationshipType FROM vSMS_CollectionDependencies ' +
      'WHERE RelationshipType IN (@include, @exclude) ORDER BY DependentCollectionID, RelationshipType, SourceCollectionID',
    [
      { name: 'include', type: sql.Int, value: RELATION_INCLUDE },
      { name: 'exclude', type: sql.Int, value: RELATION_EXCLUDE },
    ],
    signal,
  );

  const byId = new Map<string, Collection>();
  const result = collections.map((row): Collection => {
    const c: Collection = {
      id: row.CollectionID,
      name: row.Name,
      type: collectionType(row.CollectionType),
      limitToCollectionId: row.LimitToCollectionID || null,
      memberCount: row.MemberCount ?? 0,
      rules: [],
      memberResourceIds: [],
    };
    // Phase 3 verifies against it: a device moved by a wave synced after its collection's rules changed.
    if (row.LastChangeTime instanceof Date && !Number.isNaN(row.LastChangeTime.getTime()))
      c.lastChangeTime = row.LastChangeTime.toISOString();
    byId.set(c.id, c);
    return c;
  });
  const rule = (id: string, r: CollectionRule) => byId.get(id)?.rules.push(r);
  for (const q of queries)
    rule(q.CollectionID, { kind: 'query', name: q.RuleName ?? '', queryId: q.QueryID, wql: q.QueryExpression ?? '' });
  for (const d of directs) rule(d.CollectionID, { kind: 'direct', name: d.RuleName ?? '', resourceId: d.ResourceID });
  for (const d of dependencies) {
    rule(d.DependentCollectionID, {
      kind: d.RelationshipType === RELATION_INCLUDE ? 'include' : 'exclude',
      collectionId: d.SourceCollectionID,
    });
  }
  // Streamed: a big site has millions of membership rows; only their resource ids are kept.
  let last: Collection | undefined;
  await db.each<{ CollectionID: string; ResourceID: number }>(
    'v_FullCollectionMembership',
    'SELECT CollectionID, ResourceID FROM v_FullCollectionMembership ORDER BY CollectionID, ResourceID',
    [],
    (m) => {
      if (last?.id !== m.CollectionID) last = byId.get(m.CollectionID);
      last?.memberResourceIds.push(m.ResourceID);
    },
    signal,
  );
  return result;
}

function collectionType(value: number): CollectionType {
  return value === 1 ? 'user' : value === 2 ? 'device' : 'other';
}
