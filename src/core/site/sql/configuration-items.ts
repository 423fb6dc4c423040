// Configuration items, baselines and their deployments: v_ConfigurationItems (+ SDMPackageDigest),
// v_LocalizedCIProperties, v_CIRelation, v_CIAssignment, v_CIAssignmentToCI.
// ConfigMgr keeps older revisions of a CI as rows of their own (another CI_ID, same ModelName,
// IsLatest = 0): only the latest is read, and a relation or deployment that names an older
// revision is followed to the latest one of the same ModelName (docs/site-database.md).
import sql from 'mssql';
import type { Baseline, CiAssignment, ConfigurationItem } from '../model';
import type { SqlConnection, SqlInput } from './connection';

/** CIType_ID values (SMS_ConfigurationItemLatestBaseClass); which one holds which mobile object is UNCONFIRMED. */
export const CI_TYPE = {
  baseline: 2,
  operatingSystem: 3,
  general: 4,
  application: 5,
  other: 7,
  appModel: 10,
  deploymentType: 21,
  settingsDefinition: 40,
  configurationPolicy: 50,
} as const;
/** Types read as configuration items (settings, compliance, profiles); classified from the digest. */
export const SETTINGS_CI_TYPES = [
  CI_TYPE.operatingSystem,
  CI_TYPE.general,
  CI_TYPE.application,
  CI_TYPE.other,
  CI_TYPE.settingsDefinition,
  CI_TYPE.configurationPolicy,
];
/** AssignmentType (SMS_CIAssignmentBaseClass): 0 baseline, 2 application, 8 policy. */
export const ASSIGNMENT_TYPE = { baseline: 0, application: 2, policy: 8 } as const;
const ENGLISH = 1033;

export interface CiRow {
  CI_ID: number;
  CI_UniqueID: string | null;
  ModelName: string | null;
  CIType_ID: number;
  CIVersion: number | null;
  IsEnabled: boolean | null;
  IsExpired: boolean | null;
  IsSuperseded: boolean | null;
  IsHidden: boolean | null;
  DateLastModified: Date | string | null;
  SDMPackageDigest: string | null;
}

export interface LocalizedName {
  name: string;
  description: string;
}

const typeInputs = (types: readonly number[]): { list: string; inputs: SqlInput[] } => ({
  list: types.map((_, i) => `@type${i}`).join(', '),
  inputs: types.map((t, i) => ({ name: `type${i}`, type: sql.Int, value: t })),
});

export async function readCiRows(db: SqlConnection, types: readonly number[], signal?: AbortSignal): Promise<CiRow[]> {
  const { list, inputs } = typeInputs(types);
  return db.query<CiRow>(
    'v_ConfigurationItems',
    'SELECT CI_ID, CI_UniqueID, ModelName, CIType_ID, CIVersion, IsEnabled, IsExpired, IsSuperseded, IsHidden, DateLastModified, SDMPackageDigest ' +
      `FROM v_ConfigurationItems WHERE CIType_ID IN (${list}) AND IsLatest = 1 ORDER BY CI_ID`,
    inputs,
    signal,
  );
}

/** A CI_ID column followed to the latest revision of its CI (itself when it is the latest, or unknown). */
const LATEST_JOIN = (column: string) =>
  `LEFT JOIN v_ConfigurationItems old_rev ON old_rev.CI_ID = ${column} AND old_rev.IsLatest = 0 ` +
  'LEFT JOIN v_ConfigurationItems latest_rev ON latest_rev.ModelName = old_rev.ModelName AND latest_rev.IsLatest = 1 ';
const LATEST_OF = (column: string) => `CAST(COALESCE(latest_rev.CI_ID, ${column}) AS INT)`;

/** Display names in English (LocaleID 1033), else the first locale there is. */
export async function readLocalizedNames(
  db: SqlConnection,
  types: readonly number[],
  signal?: AbortSignal,
): Promise<Map<number, LocalizedName>> {
  const { list, inputs } = typeInputs(types);
  const rows = await db.query<{ CI_ID: number; LocaleID: number; DisplayName: string | null; Description: string | null }>(
    'v_LocalizedCIProperties',
    'SELECT p.CI_ID, p.LocaleID, p.DisplayName, p.Description FROM v_LocalizedCIProperties p ' +
      `WHERE p.CI_ID IN (SELECT ci.CI_ID FROM v_ConfigurationItems ci WHERE ci.CIType_ID IN (${list}) AND ci.IsLatest = 1) ORDER BY p.CI_ID, p.LocaleID`,
    inputs,
    signal,
  );
  const names = new Map<number, LocalizedName & { locale: number }>();
  for (const r of rows) {
    const current = names.get(r.CI_ID);
    if (!current || (current.locale !== ENGLISH && r.LocaleID === ENGLISH)) {
      names.set(r.CI_ID, { name: r.DisplayName ?? '', description: r.Description ?? '', locale: r.LocaleID });
    }
  }
  return names;
}

/** FromCIID -> ToCIID[] for relations whose source is of the given types (baseline members, app DTs). */
export async function readRelations(db: SqlConnection, fromTypes: readonly number[], signal?: AbortSignal): Promise<Map<number, number[]>> {
  const { list, inputs } = typeInputs(fromTypes);
  const rows = await db.query<{ FromCIID: number; ToCIID: number }>(
    'v_CIRelation',
    `SELECT r.FromCIID, ${LATEST_OF('r.ToCIID')} AS ToCIID FROM v_CIRelation r ${LATEST_JOIN('r.ToCIID')}` +
      `WHERE r.FromCIID IN (SELECT ci.CI_ID FROM v_ConfigurationItems ci WHERE ci.CIType_ID IN (${list}) AND ci.IsLatest = 1) ORDER BY r.FromCIID, ${LATEST_OF('r.ToCIID')}`,
    inputs,
    signal,
  );
  const map = new Map<number, number[]>();
  for (const r of rows) {
    const list = map.get(r.FromCIID);
    if (list) {
      if (!list.includes(r.ToCIID)) list.push(r.ToCIID);
    } else map.set(r.FromCIID, [r.ToCIID]);
  }
  return map;
}

/**
 * A row's unique id, or a stand-in named after its CI_ID when ConfigMgr gave none: the object is
 * still listed (with the problem saying why it can't be imported), the rest of the site is read.
 */
export function uniqueIdOf(row: Pick<CiRow, 'CI_ID' | 'CI_UniqueID'>, problems: string[]): string {
  if (typeof row.CI_UniqueID === 'string' && row.CI_UniqueID.trim() !== '') return row.CI_UniqueID;
  problems.push(
    `ConfigMgr gives it no CI_UniqueID (v_ConfigurationItems, CI_ID ${row.CI_ID}), and cm2intune finds its Intune object again by that id; listed as CI_ID_${row.CI_ID}`,
  );
  return `CI_ID_${row.CI_ID}`;
}

export function isoDate(value: Date | string | null): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

export async function readConfigurationItems(
  db: SqlConnection,
  signal?: AbortSignal,
): Promise<{ configurationItems: ConfigurationItem[]; baselines: Baseline[] }> {
  const types = [...SETTINGS_CI_TYPES, CI_TYPE.baseline];
  const rows = await readCiRows(db, types, signal);
  const names = await readLocalizedNames(db, types, signal);
  const relations = await readRelations(db, [CI_TYPE.baseline], signal);
  const configurationItems: ConfigurationItem[] = [];
  const baselines: Baseline[] = [];
  for (const r of rows) {
    const name = names.get(r.CI_ID);
    if (r.CIType_ID === CI_TYPE.baseline) {
      const retired = [
        r.IsExpired && 'expired',
        r.IsSuperseded && 'superseded',
        r.IsHidden && 'hidden in the console',
        r.IsEnabled === false && 'disabled',
      ].filter((x): x is string => Boolean(x));
      baselines.push({
        ciId: r.CI_ID,
        uniqueId: r.CI_UniqueID ?? '',
        name: name?.name ?? '',
        memberCiIds: [],
        ...(retired.length ? { retired } : {}),
      });
      continue;
    }
    const problems: string[] = [];
    configurationItems.push({
      ciId: r.CI_ID,
      uniqueId: uniqueIdOf(r, problems),
      modelName: r.ModelName ?? '',
      ciTypeId: r.CIType_ID,
      name: name?.name ?? '',
      description: name?.description ?? '',
      version: r.CIVersion ?? 0,
      isEnabled: r.IsEnabled ?? true,
      isExpired: r.IsExpired ?? false,
      isSuperseded: r.IsSuperseded ?? false,
      isHidden: r.IsHidden ?? false,
      dateLastModified: isoDate(r.DateLastModified),
      digest: r.SDMPackageDigest ?? '',
      ...(problems.length ? { problems } : {}),
    });
  }
  const known = new Set(configurationItems.map((c) => c.ciId));
  for (const b of baselines) b.memberCiIds = (relations.get(b.ciId) ?? []).filter((id) => known.has(id));
  return { configurationItems, baselines };
}

export async function readCiAssignments(db: SqlConnection, signal?: AbortSignal): Promise<CiAssignment[]> {
  const inputs: SqlInput[] = [
    { name: 'baseline', type: sql.Int, value: ASSIGNMENT_TYPE.baseline },
    { name: 'policy', type: sql.Int, value: ASSIGNMENT_TYPE.policy },
  ];
  const rows = await db.query<{
    AssignmentID: number;
    Assignment_UniqueID: string | null;
    AssignmentName: string | null;
    CollectionID: string;
    AssignmentType: number;
    AssignmentEnabled: boolean | null;
  }>(
    'v_CIAssignment',
    'SELECT AssignmentID, Assignment_UniqueID, AssignmentName, CollectionID, AssignmentType, AssignmentEnabled FROM v_CIAssignment ' +
      'WHERE AssignmentType IN (@baseline, @policy) ORDER BY AssignmentID',
    inputs,
    signal,
  );
  const targets = await readAssignmentTargets(db, inputs, signal);
  return rows.map((a) => ({
    assignmentId: a.AssignmentID,
    uniqueId: a.Assignment_UniqueID ?? '',
    name: a.AssignmentName ?? '',
    collectionId: a.CollectionID,
    ciIds: targets.get(a.AssignmentID) ?? [],
    assignmentType: a.AssignmentType,
    enabled: a.AssignmentEnabled ?? true,
  }));
}

/** AssignmentID -> CI_IDs (v_CIAssignmentToCI) for assignments of the given types (inputs named by type). */
export async function readAssignmentTargets(
  db: SqlConnection,
  typeInputsByName: SqlInput[],
  signal?: AbortSignal,
): Promise<Map<number, number[]>> {
  const rows = await db.query<{ AssignmentID: number; CI_ID: number }>(
    'v_CIAssignmentToCI',
    `SELECT t.AssignmentID, ${LATEST_OF('t.CI_ID')} AS CI_ID FROM v_CIAssignmentToCI t JOIN v_CIAssignment a ON a.AssignmentID = t.AssignmentID ${LATEST_JOIN('t.CI_ID')}` +
      `WHERE a.AssignmentType IN (${typeInputsByName.map((i) => `@${i.name}`).join(', ')}) ORDER BY t.AssignmentID, ${LATEST_OF('t.CI_ID')}`,
    typeInputsByName,
    signal,
  );
  const map = new Map<number, number[]>();
  for (const r of rows) {
    const list = map.get(r.AssignmentID);
    if (list) {
      if (!list.includes(r.CI_ID)) list.push(r.CI_ID);
    } else map.set(r.AssignmentID, [r.CI_ID]);
  }
  return map;
}
