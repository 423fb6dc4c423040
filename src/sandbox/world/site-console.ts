// ConfigMgr's console (the SMS Provider) on the sample site's database: the SiteConsole the runbook
// interpreter drives. Each change is checked the way the provider refuses it, then membership of
// every collection is re-evaluated (v_FullCollectionMembership, v_Collection.MemberCount) from the
// rules themselves: query rules from their WQL text (the subset the sample site uses), direct,
// include and exclude rules, then the limiting collection.
import type { Database, SqlValue } from 'sql.js';
import { ConsoleError, type CollectionType, type ConsoleCollection, type ConsoleRules, type SiteConsole } from './console';

type Row = Record<string, SqlValue>;

const LIMIT = 1,
  INCLUDE = 2,
  EXCLUDE = 3;
const USER = 1,
  DEVICE = 2;

export interface SiteConsoleOptions {
  /** Called after every change, once membership is re-evaluated (the world persists and applies its rules). */
  onChange: () => void;
  /** ConfigMgr's clock for LastChangeTime (the world's clock). */
  now: () => number;
}

export class DatabaseSiteConsole implements SiteConsole {
  readonly siteCode: string;
  private readonly domain: string;

  constructor(
    private readonly db: Database,
    private readonly options: SiteConsoleOptions,
  ) {
    this.siteCode = String(this.one('SELECT SiteCode FROM v_Site')?.SiteCode ?? 'P01');
    this.domain = String(this.one('SELECT Windows_NT_Domain0 AS d FROM v_R_User')?.d ?? 'CONTOSO');
  }

  // ---- reads ----

  getCollection(by: { id: string } | { name: string }): ConsoleCollection | undefined {
    const row =
      'id' in by
        ? this.one('SELECT * FROM v_Collection WHERE CollectionID = ?', [by.id])
        : this.one('SELECT * FROM v_Collection WHERE lower(Name) = lower(?)', [by.name]);
    return row ? toCollection(row) : undefined;
  }

  getRules(collectionId: string): ConsoleRules {
    this.collection(collectionId);
    const deps = this.all(
      'SELECT SourceCollectionID AS s, RelationshipType AS t FROM vSMS_CollectionDependencies WHERE DependentCollectionID = ? ORDER BY rowid',
      [collectionId],
    );
    return {
      direct: this.all('SELECT ResourceID, RuleName FROM v_CollectionRuleDirect WHERE CollectionID = ? ORDER BY rowid', [collectionId]).map(
        (r) => ({ resourceId: Number(r.ResourceID), ruleName: String(r.RuleName) }),
      ),
      include: deps.filter((d) => d.t === INCLUDE).map((d) => String(d.s)),
      exclude: deps.filter((d) => d.t === EXCLUDE).map((d) => String(d.s)),
      queries: this.all('SELECT QueryID, RuleName FROM v_CollectionRuleQuery WHERE CollectionID = ? ORDER BY rowid', [collectionId]).map(
        (r) => ({ queryId: Number(r.QueryID), ruleName: String(r.RuleName) }),
      ),
    };
  }

  members(collectionId: string): number[] {
    this.collection(collectionId);
    return this.all('SELECT ResourceID FROM v_FullCollectionMembership WHERE CollectionID = ? ORDER BY ResourceID', [collectionId]).map(
      (r) => Number(r.ResourceID),
    );
  }

  getUser(resourceId: number): { resourceId: number; uniqueName: string; upn: string | null } | undefined {
    const r = this.one('SELECT ResourceID, Unique_User_Name0 AS u, User_Principal_Name0 AS upn FROM v_R_User WHERE ResourceID = ?', [
      resourceId,
    ]);
    return r ? { resourceId: Number(r.ResourceID), uniqueName: String(r.u), upn: r.upn === null ? null : String(r.upn) } : undefined;
  }

  getSubscriptionCollectionId(): string | null {
    const r = this.one('SELECT CollectionID FROM sandbox_IntuneSubscription');
    return r ? String(r.CollectionID) : null;
  }

  // ---- changes ----

  newCollection(input: { name: string; type: CollectionType; limitToCollectionId: string; comment?: string }): ConsoleCollection {
    const name = input.name.trim();
    if (!name) throw new ConsoleError('A collection needs a name.');
    if (this.getCollection({ name }))
      throw new ConsoleError(`A collection named '${name}' already exists. Collection names must be unique.`);
    const limit = this.collection(input.limitToCollectionId);
    const type = input.type === 'user' ? USER : DEVICE;
    if (Number(limit.CollectionType) !== type)
      throw new ConsoleError(
        `The limiting collection ${input.limitToCollectionId} is a ${typeName(Number(limit.CollectionType))} collection; a ${input.type} collection must be limited by a ${input.type} collection.`,
      );
    const max = this.all('SELECT CollectionID FROM v_Collection WHERE CollectionID LIKE ?', [`${this.siteCode}%`])
      .map((r) => parseInt(String(r.CollectionID).slice(this.siteCode.length), 16))
      .filter((n) => Number.isFinite(n))
      .reduce((a, b) => Math.max(a, b), 0);
    const id = `${this.siteCode}${(max + 1).toString(16).toUpperCase().padStart(5, '0')}`;
    this.run(
      'INSERT INTO v_Collection (CollectionID, Name, Comment, CollectionType, MemberCount, LimitToCollectionID, LimitToCollectionName, RefreshType, LastChangeTime) VALUES (?, ?, ?, ?, 0, ?, ?, 2, ?)',
      [id, name, input.comment ?? '', type, input.limitToCollectionId, String(limit.Name), this.stamp()],
    );
    this.run('INSERT INTO vSMS_CollectionDependencies (DependentCollectionID, SourceCollectionID, RelationshipType) VALUES (?, ?, ?)', [
      id,
      input.limitToCollectionId,
      LIMIT,
    ]);
    this.changed();
    return this.getCollection({ id })!;
  }

  addDirectRule(collectionId: string, resourceId: number): void {
    const c = this.editable(collectionId);
    const user = Number(c.CollectionType) === USER;
    const resource = user
      ? this.one('SELECT Unique_User_Name0 AS n FROM v_R_User WHERE ResourceID = ?', [resourceId])
      : this.one('SELECT Netbios_Name0 AS n FROM v_R_System WHERE ResourceID = ?', [resourceId]);
    if (!resource) throw new ConsoleError(`No ${user ? 'user' : 'device'} resource has the id ${resourceId}.`);
    if (this.one('SELECT 1 AS x FROM v_CollectionRuleDirect WHERE CollectionID = ? AND ResourceID = ?', [collectionId, resourceId])) {
      throw new ConsoleError(`Collection ${collectionId} already has a direct membership rule for resource ${resourceId}.`);
    }
    this.run('INSERT INTO v_CollectionRuleDirect (CollectionID, ResourceID, ResourceType, RuleName) VALUES (?, ?, ?, ?)', [
      collectionId,
      resourceId,
      user ? 4 : 5,
      String(resource.n),
    ]);
    this.touched(collectionId);
  }

  removeDirectRule(collectionId: string, resourceId: number): void {
    this.editable(collectionId);
    if (!this.one('SELECT 1 AS x FROM v_CollectionRuleDirect WHERE CollectionID = ? AND ResourceID = ?', [collectionId, resourceId])) {
      throw new ConsoleError(`Collection ${collectionId} has no direct membership rule for resource ${resourceId}.`);
    }
    this.run('DELETE FROM v_CollectionRuleDirect WHERE CollectionID = ? AND ResourceID = ?', [collectionId, resourceId]);
    this.touched(collectionId);
  }

  addIncludeRule(collectionId: string, includeCollectionId: string): void {
    this.addDependency(collectionId, includeCollectionId, INCLUDE);
  }

  addExcludeRule(collectionId: string, excludeCollectionId: string): void {
    this.addDependency(collectionId, excludeCollectionId, EXCLUDE);
  }

  removeExcludeRule(collectionId: string, excludeCollectionId: string): void {
    this.editable(collectionId);
    if (!this.dependency(collectionId, excludeCollectionId, EXCLUDE))
      throw new ConsoleError(`Collection ${collectionId} has no exclude rule for collection ${excludeCollectionId}.`);
    this.run(
      'DELETE FROM vSMS_CollectionDependencies WHERE DependentCollectionID = ? AND SourceCollectionID = ? AND RelationshipType = ?',
      [collectionId, excludeCollectionId, EXCLUDE],
    );
    this.touched(collectionId);
  }

  updateMembership(collectionId: string): void {
    this.collection(collectionId);
    this.changed();
  }

  setSubscriptionCollection(collectionId: string): void {
    if (this.getSubscriptionCollectionId() === null) throw new ConsoleError('This hierarchy has no Microsoft Intune subscription.');
    const c = this.collection(collectionId);
    if (Number(c.CollectionType) !== USER)
      throw new ConsoleError(`The Intune subscription needs a user collection; ${collectionId} is a device collection.`);
    this.run('UPDATE sandbox_IntuneSubscription SET CollectionID = ?', [collectionId]);
    this.changed();
  }

  // ---- the world's own (not console methods) ----

  /** Effective members of every collection, from the rules (what the provider's evaluation would write). */
  evaluate(): Map<string, Set<number>> {
    const users = this.all('SELECT ResourceID, User_Name0 AS sam, Mail0 AS mail, User_Principal_Name0 AS upn FROM v_R_User');
    const groupsOf = new Map<string, number[]>();
    for (const r of this.all('SELECT ResourceID, User_Group_Name0 AS g FROM v_RA_User_UserGroupName')) {
      const key = String(r.g).toLowerCase();
      const list = groupsOf.get(key);
      if (list) list.push(Number(r.ResourceID));
      else groupsOf.set(key, [Number(r.ResourceID)]);
    }
    const groupName = new Map(
      this.all('SELECT ResourceID, Name0 FROM v_R_UserGroup').map((r) => [Number(r.ResourceID), String(r.Name0).toLowerCase()]),
    );
    const systems = this.all('SELECT ResourceID, Operating_System_Name_and0 AS os FROM v_R_System');
    const colls = this.all('SELECT CollectionID, Name, CollectionType, LimitToCollectionID FROM v_Collection ORDER BY rowid');
    const byId = new Map(colls.map((c) => [String(c.CollectionID), c]));
    const queries = groupBy(this.all('SELECT CollectionID, RuleName, QueryExpression FROM v_CollectionRuleQuery ORDER BY rowid'));
    const direct = groupBy(this.all('SELECT CollectionID, ResourceID, ResourceType FROM v_CollectionRuleDirect ORDER BY rowid'));
    const deps = this.all(
      'SELECT DependentCollectionID AS d, SourceCollectionID AS s, RelationshipType AS t FROM vSMS_CollectionDependencies ORDER BY rowid',
    );
    const members = new Map<string, Set<number>>();
    const visiting = new Set<string>();
    const resolve = (id: string): Set<number> => {
      const done = members.get(id);
      if (done) return done;
      const c = byId.get(id);
      if (!c) return new Set();
      if (visiting.has(id)) throw new ConsoleError(`Collection ${id} depends on itself through its include, exclude or limiting rules.`);
      visiting.add(id);
      const set = new Set<number>();
      const isUser = Number(c.CollectionType) === USER;
      for (const q of queries.get(id) ?? []) {
        for (const m of evaluateWql(String(q.QueryExpression), isUser, { users, groupsOf, systems })) set.add(m);
      }
      for (const d of direct.get(id) ?? []) {
        if (Number(d.ResourceType) === 3) (groupsOf.get(groupName.get(Number(d.ResourceID)) ?? '') ?? []).forEach((m) => set.add(m));
        else set.add(Number(d.ResourceID));
      }
      for (const d of deps) if (d.d === id && d.t === INCLUDE) resolve(String(d.s)).forEach((m) => set.add(m));
      for (const d of deps) if (d.d === id && d.t === EXCLUDE) resolve(String(d.s)).forEach((m) => set.delete(m));
      if (c.LimitToCollectionID) {
        const limit = resolve(String(c.LimitToCollectionID));
        for (const m of [...set]) if (!limit.has(m)) set.delete(m);
      }
      visiting.delete(id);
      members.set(id, set);
      return set;
    };
    for (const c of colls) resolve(String(c.CollectionID));
    return members;
  }

  /** Re-evaluates every collection and writes the result as ConfigMgr's views show it. */
  reevaluate(): void {
    const members = this.evaluate();
    const names = new Map(this.all('SELECT ResourceID, User_Name0 FROM v_R_User').map((r) => [Number(r.ResourceID), String(r.User_Name0)]));
    const types = new Map(
      this.all('SELECT CollectionID, CollectionType FROM v_Collection').map((r) => [String(r.CollectionID), Number(r.CollectionType)]),
    );
    const directIds = groupBy(this.all('SELECT CollectionID, ResourceID FROM v_CollectionRuleDirect'));
    this.db.run('BEGIN');
    try {
      this.db.run('DELETE FROM v_FullCollectionMembership');
      const insert = this.db.prepare(
        'INSERT INTO v_FullCollectionMembership (CollectionID, ResourceID, ResourceType, Name, Domain, SiteCode, IsDirect) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const count = this.db.prepare('UPDATE v_Collection SET MemberCount = ? WHERE CollectionID = ?');
      try {
        for (const [id, set] of members) {
          const user = types.get(id) === USER;
          const direct = new Set((directIds.get(id) ?? []).map((r) => Number(r.ResourceID)));
          for (const m of [...set].sort((a, b) => a - b))
            insert.run([
              id,
              m,
              user ? 4 : 5,
              user ? (names.get(m) ?? String(m)) : String(m),
              this.domain,
              this.siteCode,
              direct.has(m) ? 1 : 0,
            ]);
          count.run([set.size, id]);
        }
      } finally {
        insert.free();
        count.free();
      }
      this.db.run('COMMIT');
    } catch (e) {
      this.db.run('ROLLBACK');
      throw e;
    }
  }

  // ---- helpers ----

  private addDependency(collectionId: string, sourceId: string, kind: typeof INCLUDE | typeof EXCLUDE): void {
    const word = kind === INCLUDE ? 'include' : 'exclude';
    const c = this.editable(collectionId);
    const source = this.collection(sourceId);
    if (collectionId === sourceId) throw new ConsoleError(`Collection ${collectionId} cannot ${word} itself.`);
    if (Number(source.CollectionType) !== Number(c.CollectionType))
      throw new ConsoleError(
        `Collection ${collectionId} is a ${typeName(Number(c.CollectionType))} collection and ${sourceId} a ${typeName(Number(source.CollectionType))} collection: an ${word} rule needs two of the same type.`,
      );
    if (this.dependency(collectionId, sourceId, kind))
      throw new ConsoleError(`Collection ${collectionId} already has an ${word} rule for collection ${sourceId}.`);
    if (this.dependsOn(sourceId, collectionId))
      throw new ConsoleError(
        `Collection ${sourceId} already depends on ${collectionId} (include, exclude or limiting): an ${word} rule would make a circular reference.`,
      );
    this.run('INSERT INTO vSMS_CollectionDependencies (DependentCollectionID, SourceCollectionID, RelationshipType) VALUES (?, ?, ?)', [
      collectionId,
      sourceId,
      kind,
    ]);
    this.touched(collectionId);
  }

  private dependency(collectionId: string, sourceId: string, kind: number): boolean {
    return Boolean(
      this.one(
        'SELECT 1 AS x FROM vSMS_CollectionDependencies WHERE DependentCollectionID = ? AND SourceCollectionID = ? AND RelationshipType = ?',
        [collectionId, sourceId, kind],
      ),
    );
  }

  /** Whether `from` reaches `to` through its rules (limit, include, exclude). */
  private dependsOn(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const id = stack.pop()!;
      if (id === to) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const r of this.all('SELECT SourceCollectionID AS s FROM vSMS_CollectionDependencies WHERE DependentCollectionID = ?', [id]))
        stack.push(String(r.s));
    }
    return false;
  }

  private collection(id: string): Row {
    const row = this.one('SELECT * FROM v_Collection WHERE CollectionID = ?', [id]);
    if (!row) throw new ConsoleError(`No collection has the id ${id}.`);
    return row;
  }

  /** Built-in collections (SMS…) take no membership rules, as in the console. */
  private editable(id: string): Row {
    const row = this.collection(id);
    if (id.toUpperCase().startsWith('SMS'))
      throw new ConsoleError(`Collection ${id} (${String(row.Name)}) is a default collection: its membership rules cannot be changed.`);
    return row;
  }

  private touched(collectionId: string): void {
    this.run('UPDATE v_Collection SET LastChangeTime = ? WHERE CollectionID = ?', [this.stamp(), collectionId]);
    this.changed();
  }

  private changed(): void {
    this.reevaluate();
    this.options.onChange();
  }

  private stamp(): string {
    return new Date(this.options.now()).toISOString().slice(0, 19).replace('T', ' ');
  }

  private all(sql: string, params: SqlValue[] = []): Row[] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params);
      const out: Row[] = [];
      let names: string[] | undefined;
      while (stmt.step()) {
        names ??= stmt.getColumnNames();
        const values = stmt.get();
        const row: Row = {};
        for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
        out.push(row);
      }
      return out;
    } finally {
      stmt.free();
    }
  }

  private one(sql: string, params: SqlValue[] = []): Row | undefined {
    return this.all(sql, params)[0];
  }

  private run(sql: string, params: SqlValue[] = []): void {
    this.db.run(sql, params);
  }
}

function toCollection(row: Row): ConsoleCollection {
  return {
    collectionId: String(row.CollectionID),
    name: String(row.Name),
    type: Number(row.CollectionType) === USER ? 'user' : 'device',
    limitToCollectionId: row.LimitToCollectionID === null ? null : String(row.LimitToCollectionID),
    memberCount: Number(row.MemberCount),
  };
}

const typeName = (t: number) => (t === USER ? 'user' : 'device');

function groupBy(rows: Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const key = String(r.CollectionID);
    const list = out.get(key);
    if (list) list.push(r);
    else out.set(key, [r]);
  }
  return out;
}

interface WqlData {
  users: Row[];
  groupsOf: Map<string, number[]>;
  systems: Row[];
}

const likeToRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/%/g, '.*')
      .replace(/_/g, '.')}$`,
    'i',
  );

/**
 * The WQL of a query rule, for the forms the sample site uses (docs/sandbox.md): all users / all
 * systems, `UserGroupName = "DOMAIN\\Group"` (or several joined by `or`), `Mail is not null`,
 * `UserPrincipalName like "…"`, `OperatingSystemNameandVersion like "…"` (or several). Anything else
 * is refused with the rule's text, so a runbook never gets a silently wrong membership.
 */
export function evaluateWql(wql: string, userCollection: boolean, data: WqlData): number[] {
  const from = /\bfrom\s+(SMS_R_User|SMS_R_System|SMS_R_UserGroup)\b/i.exec(wql)?.[1]?.toLowerCase();
  const where = /\bwhere\b([\s\S]*)$/i.exec(wql)?.[1]?.trim();
  if (from === 'sms_r_usergroup') return []; // user group resources are not user members in the sample site
  if (!from || (from === 'sms_r_user') !== userCollection)
    throw new ConsoleError(`The sandbox cannot evaluate the query rule "${wql}" for a ${userCollection ? 'user' : 'device'} collection.`);
  if (!where) return (from === 'sms_r_user' ? data.users : data.systems).map((r) => Number(r.ResourceID));
  const terms = where.split(/\s+or\s+/i);
  const out = new Set<number>();
  for (const term of terms) {
    let m: RegExpExecArray | null;
    if ((m = /^SMS_R_User\.UserGroupName\s*=\s*"([^"]*)"$/i.exec(term))) {
      (data.groupsOf.get(m[1].replace(/\\\\/g, '\\').toLowerCase()) ?? []).forEach((id) => out.add(id));
    } else if (/^SMS_R_User\.Mail\s+is\s+not\s+null$/i.test(term)) {
      data.users.filter((u) => u.mail !== null).forEach((u) => out.add(Number(u.ResourceID)));
    } else if ((m = /^SMS_R_User\.UserPrincipalName\s+like\s+"([^"]*)"$/i.exec(term))) {
      const re = likeToRegExp(m[1]);
      data.users.filter((u) => u.upn !== null && re.test(String(u.upn))).forEach((u) => out.add(Number(u.ResourceID)));
    } else if ((m = /^SMS_R_System\.OperatingSystemNameandVersion\s+like\s+"([^"]*)"$/i.exec(term))) {
      const re = likeToRegExp(m[1]);
      data.systems.filter((s) => re.test(String(s.os))).forEach((s) => out.add(Number(s.ResourceID)));
    } else {
      throw new ConsoleError(
        `The sandbox cannot evaluate the query rule "${wql}" (the part "${term}"); it understands user group, mail, UPN and operating system conditions.`,
      );
    }
  }
  return [...out];
}
