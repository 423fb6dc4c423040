// Retired objects: CIs and applications that ConfigMgr keeps but no longer offers as current
// (expired/retired, superseded, hidden, disabled), and disabled deployments. Creating them in
// Intune would revive what the admin retired, so they are left out unless the plan lists the
// object in import.includeRetired (which also carries its disabled deployments).
import type { MigrationPlan } from '../plan/types';
import type { SiteModel } from '../site/model';
import type { Translation } from '../translate';
import { sameUniqueId } from '../unique-id';

/** Why ConfigMgr considers an object retired, in the admin's words; empty = current. */
export type RetiredReasons = string[];

export function retiredIndex(site: SiteModel): (t: Translation) => RetiredReasons {
  const cis = new Map(site.configurationItems.map((ci) => [ci.ciId, ci]));
  const apps = new Map(site.applications.map((a) => [a.ciId, a]));
  return (t) => {
    const reasons: string[] = [];
    if (t.source.kind === 'app') {
      const app = apps.get(t.source.ciId);
      if (!app) return reasons;
      if (app.isExpired) reasons.push('retired');
      if (app.isSuperseded) reasons.push('superseded by a newer application');
      if (app.isHidden) reasons.push('hidden in the console');
      if (app.isEnabled === false) reasons.push('disabled');
      return reasons;
    }
    const ci = cis.get(t.source.ciId);
    if (!ci) return reasons;
    if (ci.isExpired) reasons.push('expired');
    if (ci.isSuperseded) reasons.push('superseded');
    if (ci.isHidden) reasons.push('hidden in the console');
    if (!ci.isEnabled) reasons.push('disabled');
    return reasons;
  };
}

/** Whether the plan opts this object in despite its retirement (and its disabled deployments). */
export function includesRetired(plan: MigrationPlan, uniqueId: string): boolean {
  return (plan.import?.includeRetired ?? []).some((id) => sameUniqueId(id, uniqueId));
}
