// ConfigMgr deployments -> the body of Graph's `assign` action, once the analysis has turned each
// deployment's collection into groups. Shapes: microsoft-graph-docs v1.0
// intune-deviceconfig-deviceconfiguration-assign.md, -devicecompliancepolicy-assign.md,
// intune-apps-mobileapp-assign.md, intune-shared-groupassignmenttarget.md /
// exclusiongroupassignmenttarget.md.
import type { AppIntent } from '../site/model';
import { placeholder } from '../placeholders';
import { apiVersionFor } from '../tenant/api-versions';
import { resourcePath } from './common';
import type { IntuneResource, Translation } from './types';

export interface AssignTarget {
  /** An Entra ID group id, or a `{{id:group:<collectionId>}}` placeholder for a group still to create. */
  groupId: string;
  exclude: boolean;
  /** Apps only. */
  intent?: AppIntent;
}

export interface AssignRequest {
  /** With the object's id as a placeholder: `/deviceManagement/deviceConfigurations/{{id:<key>}}/assign`. */
  path: string;
  apiVersion: 'v1.0' | 'beta';
  body: Record<string, unknown>;
  /** Conflicts resolved on the way, in the admin's words. */
  notes: string[];
}

const ASSIGNMENT_TYPE: Record<Exclude<IntuneResource, 'mobileApps'>, string> = {
  deviceConfigurations: '#microsoft.graph.deviceConfigurationAssignment',
  deviceCompliancePolicies: '#microsoft.graph.deviceCompliancePolicyAssignment',
};

// An app can have one intent per group in Intune; when ConfigMgr deployed it twice to the same
// users, the stronger intent wins.
const INTENT_RANK: AppIntent[] = ['required', 'uninstall', 'available'];

function target(t: AssignTarget): Record<string, unknown> {
  return {
    '@odata.type': t.exclude ? '#microsoft.graph.exclusionGroupAssignmentTarget' : '#microsoft.graph.groupAssignmentTarget',
    groupId: t.groupId,
  };
}

/** The assign request for a translated object, or undefined when there is nothing to assign. */
export function assignRequest(
  translation: Translation,
  targets: AssignTarget[],
  groupNames: ReadonlyMap<string, string> = new Map(),
): AssignRequest | undefined {
  const request = translation.request;
  if (!request || targets.length === 0) return undefined;
  const notes: string[] = [];
  const name = (id: string) => groupNames.get(id) ?? id;

  // Exclusion wins over inclusion in Intune, as an exclude rule does in ConfigMgr.
  const excluded = new Set(targets.filter((t) => t.exclude).map((t) => t.groupId));
  const chosen = new Map<string, AssignTarget>();
  for (const t of targets) {
    const key = `${t.exclude}:${t.groupId}`;
    if (!t.exclude && excluded.has(t.groupId)) {
      notes.push(`Group ${name(t.groupId)} is both included and excluded; Intune applies the exclusion.`);
      continue;
    }
    const seen = chosen.get(key);
    if (!seen) chosen.set(key, t);
    else if (seen.intent && t.intent && seen.intent !== t.intent) {
      const [win, lose] = INTENT_RANK.indexOf(t.intent) < INTENT_RANK.indexOf(seen.intent) ? [t, seen] : [seen, t];
      chosen.set(key, win);
      notes.push(
        `Group ${name(t.groupId)} was deployed both as ${win.intent} and ${lose.intent}; Intune allows one intent per group: ${win.intent}.`,
      );
    }
  }
  // Exclusions of apps carry an intent too; for a group excluded under several intents keep one.
  const list = [...chosen.values()];
  const path = `${resourcePath(request.resource)}/${placeholder(translation.key)}/assign`;
  const apiVersion = apiVersionFor(resourcePath(request.resource), request.odataType);
  const body =
    request.resource === 'mobileApps'
      ? {
          mobileAppAssignments: list.map((t) => ({
            '@odata.type': '#microsoft.graph.mobileAppAssignment',
            intent: t.intent ?? 'available',
            target: target(t),
          })),
        }
      : {
          assignments: list.map((t) => ({
            '@odata.type': ASSIGNMENT_TYPE[request.resource as keyof typeof ASSIGNMENT_TYPE],
            target: target(t),
          })),
        };
  return { path, apiVersion, body, notes };
}
