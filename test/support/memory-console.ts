// An in-memory SiteConsole for the runbook interpreter's tests, following the interface's
// documented behaviour: a duplicate name or an existing rule throws, rules can't be added to
// default (SMS…) collections, membership = limiting ∩ (direct ∪ include ∪ query) − exclude,
// re-evaluated after each change. Not the sample site (that one lives in src/sandbox/world/).
import {
  ConsoleError,
  type CollectionType,
  type ConsoleCollection,
  type ConsoleRules,
  type SiteConsole,
} from '../../src/sandbox/world/console';

interface StoredCollection {
  collectionId: string;
  name: string;
  type: CollectionType;
  limitToCollectionId: string | null;
  comment: string;
  direct: Map<number, string>;
  include: string[];
  exclude: string[];
  /** Stands for the default collections' query rules: every user (or device). */
  allOfType: boolean;
  members: number[];
}

export interface ConsoleUser {
  resourceId: number;
  uniqueName: string;
  upn: string | null;
}

export class MemoryConsole implements SiteConsole {
  readonly siteCode: string;
  private readonly collections = new Map<string, StoredCollection>();
  private readonly users = new Map<number, ConsoleUser>();
  private subscription: string | null;
  private nextId = 0x10;
  /** Every call that changed something, for tests that count writes. */
  readonly writes: string[] = [];

  constructor(options: { siteCode?: string; users: ConsoleUser[]; subscriptionCollectionId?: string | null }) {
    this.siteCode = options.siteCode ?? 'P01';
    for (const user of options.users) this.users.set(user.resourceId, user);
    this.store({ collectionId: 'SMS00002', name: 'All Users', type: 'user', limitToCollectionId: null, allOfType: true });
    this.store({ collectionId: 'SMS00004', name: 'All User Groups', type: 'user', limitToCollectionId: null, allOfType: false });
    this.store({ collectionId: 'SMS00001', name: 'All Systems', type: 'device', limitToCollectionId: null, allOfType: false });
    this.subscription = options.subscriptionCollectionId === undefined ? 'SMS00002' : options.subscriptionCollectionId;
    this.evaluateAll();
  }

  private store(input: {
    collectionId: string;
    name: string;
    type: CollectionType;
    limitToCollectionId: string | null;
    allOfType: boolean;
    comment?: string;
  }): StoredCollection {
    const stored: StoredCollection = { ...input, comment: input.comment ?? '', direct: new Map(), include: [], exclude: [], members: [] };
    this.collections.set(stored.collectionId, stored);
    return stored;
  }

  private stored(collectionId: string): StoredCollection {
    const found = this.collections.get(collectionId.toUpperCase());
    if (!found) throw new ConsoleError(`No collection with id ${collectionId}`);
    return found;
  }

  private view(stored: StoredCollection): ConsoleCollection {
    return {
      collectionId: stored.collectionId,
      name: stored.name,
      type: stored.type,
      limitToCollectionId: stored.limitToCollectionId,
      memberCount: stored.members.length,
    };
  }

  getCollection(by: { id: string } | { name: string }): ConsoleCollection | undefined {
    if ('id' in by) {
      const found = this.collections.get(by.id.toUpperCase());
      return found && this.view(found);
    }
    const lower = by.name.toLowerCase();
    for (const stored of this.collections.values()) if (stored.name.toLowerCase() === lower) return this.view(stored);
    return undefined;
  }

  newCollection(input: { name: string; type: CollectionType; limitToCollectionId: string; comment?: string }): ConsoleCollection {
    if (this.getCollection({ name: input.name })) throw new ConsoleError(`A collection named '${input.name}' already exists`);
    const limiting = this.stored(input.limitToCollectionId);
    if (limiting.type !== input.type)
      throw new ConsoleError(`The limiting collection ${limiting.collectionId} is a ${limiting.type} collection`);
    const collectionId = `${this.siteCode}${(this.nextId++).toString(16).toUpperCase().padStart(5, '0')}`;
    const stored = this.store({
      collectionId,
      name: input.name,
      type: input.type,
      limitToCollectionId: limiting.collectionId,
      allOfType: false,
      comment: input.comment ?? '',
    });
    this.writes.push(`new ${collectionId}`);
    this.evaluateAll();
    return this.view(stored);
  }

  getRules(collectionId: string): ConsoleRules {
    const stored = this.stored(collectionId);
    return {
      direct: [...stored.direct].map(([resourceId, ruleName]) => ({ resourceId, ruleName })),
      include: [...stored.include],
      exclude: [...stored.exclude],
      queries: stored.allOfType ? [{ queryId: 2, ruleName: stored.name }] : [],
    };
  }

  private editable(collectionId: string): StoredCollection {
    const stored = this.stored(collectionId);
    if (stored.collectionId.startsWith('SMS'))
      throw new ConsoleError(`You can't add or remove membership rules on the default collection ${stored.collectionId}`);
    return stored;
  }

  addDirectRule(collectionId: string, resourceId: number): void {
    const stored = this.editable(collectionId);
    const user = this.users.get(resourceId);
    if (!user) throw new ConsoleError(`No user resource ${resourceId}`);
    if (stored.direct.has(resourceId))
      throw new ConsoleError(`A direct rule for resource ${resourceId} already exists on ${stored.collectionId}`);
    stored.direct.set(resourceId, user.uniqueName);
    this.writes.push(`direct+ ${stored.collectionId} ${resourceId}`);
    this.evaluateAll();
  }

  removeDirectRule(collectionId: string, resourceId: number): void {
    const stored = this.editable(collectionId);
    if (stored.direct.delete(resourceId)) this.writes.push(`direct- ${stored.collectionId} ${resourceId}`);
    this.evaluateAll();
  }

  addIncludeRule(collectionId: string, includeCollectionId: string): void {
    const stored = this.editable(collectionId);
    const other = this.stored(includeCollectionId);
    if (stored.include.includes(other.collectionId))
      throw new ConsoleError(`An include rule for ${other.collectionId} already exists on ${stored.collectionId}`);
    stored.include.push(other.collectionId);
    this.writes.push(`include+ ${stored.collectionId} ${other.collectionId}`);
    this.evaluateAll();
  }

  addExcludeRule(collectionId: string, excludeCollectionId: string): void {
    const stored = this.editable(collectionId);
    const other = this.stored(excludeCollectionId);
    if (stored.exclude.includes(other.collectionId))
      throw new ConsoleError(`An exclude rule for ${other.collectionId} already exists on ${stored.collectionId}`);
    stored.exclude.push(other.collectionId);
    this.writes.push(`exclude+ ${stored.collectionId} ${other.collectionId}`);
    this.evaluateAll();
  }

  removeExcludeRule(collectionId: string, excludeCollectionId: string): void {
    const stored = this.editable(collectionId);
    const at = stored.exclude.indexOf(excludeCollectionId.toUpperCase());
    if (at >= 0) {
      stored.exclude.splice(at, 1);
      this.writes.push(`exclude- ${stored.collectionId} ${excludeCollectionId}`);
    }
    this.evaluateAll();
  }

  updateMembership(collectionId: string): void {
    this.stored(collectionId);
    this.evaluateAll();
  }

  members(collectionId: string): number[] {
    return [...this.stored(collectionId).members];
  }

  getUser(resourceId: number): ConsoleUser | undefined {
    return this.users.get(resourceId);
  }

  getSubscriptionCollectionId(): string | null {
    return this.subscription;
  }

  setSubscriptionCollection(collectionId: string): void {
    const stored = this.stored(collectionId);
    if (stored.type !== 'user') throw new ConsoleError('The Intune subscription takes a user collection');
    this.subscription = stored.collectionId;
    this.writes.push(`subscription ${stored.collectionId}`);
  }

  /** Everything a test compares between two runs. */
  snapshot(): unknown {
    return {
      subscription: this.subscription,
      collections: [...this.collections.values()].map((stored) => ({
        ...this.view(stored),
        direct: [...stored.direct.keys()].sort((a, b) => a - b),
        include: [...stored.include],
        exclude: [...stored.exclude],
        members: [...stored.members],
      })),
    };
  }

  // Membership = limiting ∩ (query ∪ direct ∪ include) − exclude; collections are evaluated in
  // dependency order (limiting, included and excluded collections first), as the provider does.
  private evaluateAll(): void {
    const done = new Set<string>();
    const visiting = new Set<string>();
    const evaluate = (stored: StoredCollection): void => {
      if (done.has(stored.collectionId)) return;
      if (visiting.has(stored.collectionId)) throw new ConsoleError(`Collection ${stored.collectionId} depends on itself`);
      visiting.add(stored.collectionId);
      const dependencies = [stored.limitToCollectionId, ...stored.include, ...stored.exclude].filter((id): id is string => id !== null);
      for (const id of dependencies) evaluate(this.stored(id));
      const candidates = new Set<number>(stored.direct.keys());
      if (stored.allOfType && stored.type === 'user') for (const id of this.users.keys()) candidates.add(id);
      for (const id of stored.include) for (const member of this.stored(id).members) candidates.add(member);
      const limiting = stored.limitToCollectionId ? new Set(this.stored(stored.limitToCollectionId).members) : undefined;
      const excluded = new Set(stored.exclude.flatMap((id) => this.stored(id).members));
      stored.members = [...candidates].filter((id) => (!limiting || limiting.has(id)) && !excluded.has(id)).sort((a, b) => a - b);
      visiting.delete(stored.collectionId);
      done.add(stored.collectionId);
    };
    for (const stored of this.collections.values()) evaluate(stored);
  }
}

/** Users with the names a real directory has: apostrophes, accents, non-Latin scripts. */
export const sampleUsers: ConsoleUser[] = [
  { resourceId: 2063597569, uniqueName: "CONTOSO\\sean.o'brien", upn: "sean.o'brien@contoso.com" },
  { resourceId: 2063597570, uniqueName: 'CONTOSO\\zoë.müller', upn: 'zoe.muller@contoso.com' },
  { resourceId: 2063597571, uniqueName: 'CONTOSO\\łukasz.żółć', upn: 'lukasz.zolc@contoso.com' },
  { resourceId: 2063597572, uniqueName: 'CONTOSO\\山田太郎', upn: 'taro.yamada@contoso.com' },
  { resourceId: 2063597573, uniqueName: 'CONTOSO\\amelia.ng', upn: 'amelia.ng@contoso.com' },
  { resourceId: 2063597574, uniqueName: 'CONTOSO\\dem.enroller', upn: null },
];
