// Applications, deployment types and app deployments. Views: v_ConfigurationItems (CIType_ID 10
// = application, 21 = deployment type, with their digests), v_LocalizedCIProperties (names),
// v_CIRelation (application -> deployment types), v_ApplicationAssignment (deployments: offer
// type, install/uninstall, enabled) and v_CIAssignmentToCI (deployment -> application CI). Only the
// latest revision of an application and of a deployment type is read (IsLatest). Publisher and
// technology are read from the digests, where the product needs them anyway.
import sql from 'mssql';
import type { AppAssignment, AppIntent, Application } from '../model';
import { readAppPublisher, readDeploymentTechnology } from '../sdm/apps';
import type { SqlConnection } from './connection';
import {
  ASSIGNMENT_TYPE,
  CI_TYPE,
  readAssignmentTargets,
  readCiRows,
  readLocalizedNames,
  readRelations,
  uniqueIdOf,
} from './configuration-items';

export async function readApplications(db: SqlConnection, signal?: AbortSignal): Promise<Application[]> {
  const types = [CI_TYPE.appModel, CI_TYPE.deploymentType];
  const rows = await readCiRows(db, types, signal);
  const names = await readLocalizedNames(db, types, signal);
  const relations = await readRelations(db, [CI_TYPE.appModel], signal);
  const dts = new Map(rows.filter((r) => r.CIType_ID === CI_TYPE.deploymentType).map((r) => [r.CI_ID, r]));
  return rows
    .filter((r) => r.CIType_ID === CI_TYPE.appModel)
    .map((app): Application => {
      const problems: string[] = [];
      return {
        ciId: app.CI_ID,
        uniqueId: uniqueIdOf(app, problems),
        name: names.get(app.CI_ID)?.name ?? '',
        publisher: readAppPublisher(app.SDMPackageDigest ?? ''),
        description: names.get(app.CI_ID)?.description ?? '',
        isSuperseded: app.IsSuperseded ?? false,
        isExpired: app.IsExpired ?? false,
        isHidden: app.IsHidden ?? false,
        isEnabled: app.IsEnabled ?? true,
        deploymentTypes: (relations.get(app.CI_ID) ?? []).flatMap((id) => {
          const dt = dts.get(id);
          if (!dt) return [];
          const digest = dt.SDMPackageDigest ?? '';
          return [
            {
              ciId: dt.CI_ID,
              uniqueId: dt.CI_UniqueID ?? '',
              name: names.get(dt.CI_ID)?.name ?? '',
              technology: readDeploymentTechnology(digest),
              digest,
            },
          ];
        }),
        ...(problems.length ? { problems } : {}),
      };
    });
}

const OFFER_REQUIRED = 0;
const DESIRED_UNINSTALL = 2;

export async function readAppAssignments(db: SqlConnection, signal?: AbortSignal): Promise<AppAssignment[]> {
  const rows = await db.query<{
    AssignmentID: number;
    AssignmentName: string | null;
    CollectionID: string;
    OfferTypeID: number | null;
    DesiredConfigType: number | null;
    AssignmentEnabled: boolean | null;
  }>(
    'v_ApplicationAssignment',
    'SELECT AssignmentID, AssignmentName, CollectionID, OfferTypeID, DesiredConfigType, AssignmentEnabled FROM v_ApplicationAssignment ORDER BY AssignmentID',
    [],
    signal,
  );
  const targets = await readAssignmentTargets(db, [{ name: 'application', type: sql.Int, value: ASSIGNMENT_TYPE.application }], signal);
  return rows.flatMap((a): AppAssignment[] => {
    const intent: AppIntent =
      a.DesiredConfigType === DESIRED_UNINSTALL ? 'uninstall' : a.OfferTypeID === OFFER_REQUIRED ? 'required' : 'available';
    // One row per application CI the deployment targets (normally exactly one).
    return (targets.get(a.AssignmentID) ?? []).map((ciId) => ({
      assignmentId: a.AssignmentID,
      name: a.AssignmentName ?? '',
      applicationCiId: ciId,
      collectionId: a.CollectionID,
      intent,
      enabled: a.AssignmentEnabled ?? true,
    }));
  });
}
