// What ConfigMgr's console (the SMS Provider) can do to the sample site, as the runbook
// interpreter sees it. The runbook interpreter (runbook.ts) calls only this interface; the world
// implements it on the sample site's database, re-evaluating membership as the provider would.
// Every method is synchronous and throws ConsoleError with the provider's kind of message.

export type CollectionType = 'user' | 'device';

export interface ConsoleCollection {
  collectionId: string;
  name: string;
  type: CollectionType;
  limitToCollectionId: string | null;
  /** Effective members (resource ids), after limiting, include, exclude and direct rules. */
  memberCount: number;
}

export interface ConsoleRules {
  direct: { resourceId: number; ruleName: string }[];
  include: string[];
  exclude: string[];
  queries: { queryId: number; ruleName: string }[];
}

export class ConsoleError extends Error {}

export interface SiteConsole {
  readonly siteCode: string;
  /** Undefined when no collection has this id / name (case-insensitive names, as the console). */
  getCollection(by: { id: string } | { name: string }): ConsoleCollection | undefined;
  /** New-CM(User|Device)Collection: a new id `<site code><5 hex digits>`; a duplicate name throws. */
  newCollection(input: { name: string; type: CollectionType; limitToCollectionId: string; comment?: string }): ConsoleCollection;
  getRules(collectionId: string): ConsoleRules;
  /** Adding a rule that already exists throws, as the provider does (runbooks check first). */
  addDirectRule(collectionId: string, resourceId: number): void;
  removeDirectRule(collectionId: string, resourceId: number): void;
  addIncludeRule(collectionId: string, includeCollectionId: string): void;
  addExcludeRule(collectionId: string, excludeCollectionId: string): void;
  removeExcludeRule(collectionId: string, excludeCollectionId: string): void;
  /** Invoke-CMCollectionUpdate: membership is re-evaluated (the world also does it after each change). */
  updateMembership(collectionId: string): void;
  /** Effective member resource ids of a collection. */
  members(collectionId: string): number[];
  /** A user resource by resource id, or undefined. */
  getUser(resourceId: number): { resourceId: number; uniqueName: string; upn: string | null } | undefined;
  /** Get-CMIntuneSubscription / Set-CMIntuneSubscription -UserCollection. */
  getSubscriptionCollectionId(): string | null;
  setSubscriptionCollection(collectionId: string): void;
}
