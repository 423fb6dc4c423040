// One revision per object: the SQL reader reads only the latest (IsLatest); a snapshot written by
// an earlier cm2intune may hold older revisions too (rows of their own, same ModelName). Keeps
// the highest revision of each and points deployments, baseline members and relations that
// named an older one at it, as the SQL reader does.
import type { SiteModel } from './model';

const revisionOf = (uniqueId: string) => Number(/\/(\d+)$/.exec(uniqueId)?.[1] ?? 0);
const withoutRevision = (uniqueId: string) => uniqueId.replace(/\/\d+$/, '').toLowerCase();

export function latestRevisions(model: SiteModel): SiteModel {
  const latestCi = new Map<string, { ciId: number; version: number }>();
  for (const ci of model.configurationItems) {
    const key = (ci.modelName || withoutRevision(ci.uniqueId)).toLowerCase();
    const version = Math.max(ci.version, revisionOf(ci.uniqueId));
    const seen = latestCi.get(key);
    if (!seen || version > seen.version) latestCi.set(key, { ciId: ci.ciId, version });
  }
  const latestApp = new Map<string, { ciId: number; version: number }>();
  for (const app of model.applications) {
    const key = withoutRevision(app.uniqueId);
    const seen = latestApp.get(key);
    if (!seen || revisionOf(app.uniqueId) > seen.version) latestApp.set(key, { ciId: app.ciId, version: revisionOf(app.uniqueId) });
  }
  const to = new Map<number, number>();
  for (const ci of model.configurationItems)
    to.set(ci.ciId, latestCi.get((ci.modelName || withoutRevision(ci.uniqueId)).toLowerCase())!.ciId);
  for (const app of model.applications) to.set(app.ciId, latestApp.get(withoutRevision(app.uniqueId))!.ciId);
  if ([...to].every(([from, into]) => from === into)) return model;
  const map = (id: number) => to.get(id) ?? id;
  const unique = (ids: number[]) => [...new Set(ids.map(map))];
  return {
    ...model,
    configurationItems: model.configurationItems.filter((ci) => map(ci.ciId) === ci.ciId),
    applications: model.applications.filter((a) => map(a.ciId) === a.ciId),
    baselines: model.baselines.map((b) => ({ ...b, memberCiIds: unique(b.memberCiIds) })),
    ciAssignments: model.ciAssignments.map((a) => ({ ...a, ciIds: unique(a.ciIds) })),
    appAssignments: model.appAssignments.map((a) => ({ ...a, applicationCiId: map(a.applicationCiId) })),
  };
}
