// Phase 2, prepare Intune: a readiness picture built from the site, the tenant and the plan.
// Reading is one step (readPrepareSources); the checks and the fixes are pure functions over what
// was read (assessReadiness), one check per concern, each with a state and its evidence. Where
// the product can act, the fix is steps (the same steps-as-data, journal and executor as phase 1);
// what the admin must do outside the product is a check with instructions, never a silent gap.
import { groupDifference, inTenant, KIND_LABELS, membersDiffer, type PictureItem, type TenantMember } from '../analysis';
import { driftedSettings, settingsDriftReason } from '../analysis/detail';
import type { MigrationSession } from '../session';
import type { SiteModel, User } from '../site/model';
import type { MigrationPlan } from '../plan/types';
import { reportingWaits, type GraphPort } from '../tenant/graph-port';
import type { PacerWait } from '../tenant/pacer';
import {
  findUsers,
  hasIntunePlan,
  INTUNE_SERVICE_PLAN,
  readExchangeConnectors,
  readMdmAuthority,
  readNdesConnectors,
  readScepUrls,
  readSkus,
  readTerms,
  type ExchangeConnectorRecord,
  type NdesConnectorRecord,
  type TenantSku,
  type TenantUserLicence,
  type TermsRecord,
} from '../tenant/readiness';
import { readGroupMembers, readIntuneObjects } from '../tenant/read';
import { executeSteps, type ExecuteOptions, type StepOutcome } from './execute';
import {
  assignmentsDiffer,
  listChecked,
  MEMBER_FIELDS,
  memberSteps,
  missingFromOwnGroup,
  readImportPicture,
  resolveUsers,
  toCreate,
  type ImportRead,
} from './import';
import type { Step } from './steps';
import { UserError } from '../errors';
import { mdText, outcomeRows, runReportPath } from './render';
import { writeFileSync } from 'node:fs';

export type CheckState = 'ok' | 'warning' | 'blocking';

export type CheckId =
  'tenant' | 'imported-objects' | 'groups' | 'licences' | 'ndes-connector' | 'exchange-connector' | 'scep-url' | 'terms';

export interface ReadinessCheck {
  id: CheckId;
  title: string;
  state: CheckState;
  /** One line: what was found. */
  summary: string;
  /** Counts and the first names, one fact a line. */
  evidence: string[];
  /** What the admin must do outside the product, when it can't act itself. */
  instructions?: string;
  /** Ids of the steps that fix it (in `Readiness.steps`). */
  fixSteps: string[];
}

export interface Readiness {
  /** The wave the checks were scoped to; undefined = the subscription collection and every wave. */
  wave?: string;
  checks: ReadinessCheck[];
  /** The fixes, as steps: the preview and the dry run. */
  steps: Step[];
  blocking: number;
}

/** A user the checks are about: a member of the subscription collection or of a wave. */
export interface PrepareSubject {
  /** How the admin names them: the UPN, else DOMAIN\user. */
  label: string;
  sid: string | null;
  upn: string | null;
  /** `subscription collection P0100014`, `wave "Pilot"`. */
  from: string[];
}

export interface ScepProfileRecord {
  id: string;
  name: string;
  odataType: string;
  urls: string[];
}

export interface PrepareSources {
  read: ImportRead;
  subjects: PrepareSubject[];
  users: TenantUserLicence[];
  skus: TenantSku[];
  ndes: NdesConnectorRecord[];
  exchange: ExchangeConnectorRecord[];
  authority: string;
  tenantId: string;
  /** Imported SCEP profiles (found by marker) and their server URLs as Intune has them. */
  scepProfiles: ScepProfileRecord[];
  /** The members of each group a deployed collection maps to. */
  groupMembers: GroupMembersRecord[];
  /** Entra ID ids of the collection users missing from groups cm2intune created, by lower-case label (UPN, else DOMAIN\user). */
  userIds: Map<string, string>;
  /** The Graph base URL, for member binds (`…/v1.0/directoryObjects/{id}`). */
  baseUrl: string;
  /** The tenant's terms-and-conditions policies (hybrid ones moved to Intune with the tenant). */
  terms: TermsRecord[];
  /** Members (lower-case UPNs) of the groups the terms are assigned to, by group id. */
  termsGroupMembers: Map<string, string[]>;
  /**
   * Each imported object as the tenant has it now (every property), by picture key: its settings
   * are compared with the payload (driftedSettings). Absent: settings were not compared.
   */
  objectBodies?: Map<string, Record<string, unknown>>;
}

export interface GroupMembersRecord {
  collectionId: string;
  groupId: string;
  groupName: string;
  /** A group cm2intune created for the collection (it may fill it). */
  own: boolean;
  /** Its direct members, as read with the import picture. */
  members: TenantMember[];
}

const FIRST = 5;
const firstNames = (names: string[]) =>
  names.slice(0, FIRST).join(', ') + (names.length > FIRST ? `, … (${names.length - FIRST} more)` : '');
const lower = (s: string) => s.toLowerCase();

/**
 * The users the checks are about: with a wave, that wave's users; without, the subscription
 * collection's effective members (v_FullCollectionMembership) and every wave's users.
 */
export function prepareSubjects(model: SiteModel, plan: MigrationPlan, wave?: string): PrepareSubject[] {
  const waves = plan.waves ?? [];
  if (wave !== undefined && !waves.some((w) => w.name === wave)) {
    throw new UserError(
      `the plan has no wave named "${wave}"${waves.length ? `; its waves: ${waves.map((w) => `"${w.name}"`).join(', ')}` : ' (it has no waves)'}.`,
      2,
    );
  }
  const subjects = new Map<string, PrepareSubject>();
  const add = (user: Pick<User, 'upn' | 'uniqueName' | 'sid'> | null, raw: string, from: string) => {
    const label = user?.upn ?? user?.uniqueName ?? raw;
    const key = lower(label);
    const known = subjects.get(key);
    if (known) {
      if (!known.from.includes(from)) known.from.push(from);
      return;
    }
    subjects.set(key, { label, sid: user?.sid ?? null, upn: user?.upn ?? (raw.includes('@') ? raw : null), from: [from] });
  };
  if (wave === undefined && plan.subscriptionCollection) {
    const byId = new Map(model.users.map((u) => [u.resourceId, u]));
    const collection = model.collections.find((c) => c.id === plan.subscriptionCollection);
    for (const id of collection?.memberResourceIds ?? []) {
      const user = byId.get(id);
      if (user) add(user, user.uniqueName, `subscription collection ${plan.subscriptionCollection}`);
    }
  }
  // By UPN or DOMAIN\user, without case: one map, so a 50k-user wave is not 50k scans of the site's users.
  const byName = new Map<string, User>();
  const name = (key: string, u: User) => byName.has(key) || byName.set(key, u); // the first, as the site lists them
  for (const u of model.users) {
    name(lower(u.uniqueName), u);
    if (u.upn) name(lower(u.upn), u);
  }
  for (const w of waves) {
    if (wave !== undefined && w.name !== wave) continue;
    for (const raw of w.users) add(byName.get(lower(raw)) ?? null, raw, `wave "${w.name}"`);
  }
  // The admin who signs in to the ConfigMgr console's wizard for phase 4 needs Intune too (domain B.3).
  if (plan.authority?.admin) add(null, plan.authority.admin, 'the admin (authority.admin)');
  return [...subjects.values()];
}

/** Reads what the checks need: the import picture, the users in scope, seats, connectors, authority. */
export async function readPrepareSources(
  session: MigrationSession,
  options: { wave?: string; signal?: AbortSignal; onWait?: (wait: PacerWait) => void } = {},
): Promise<PrepareSources> {
  const { plan } = session;
  const { signal, onWait } = options;
  const graph = reportingWaits(session.graph, onWait);
  const read = await readImportPicture(session, signal, { onWait });
  const subjects = prepareSubjects(read.model, plan, options.wave);
  const [users, skus, ndes, exchange, authority] = await Promise.all([
    findUsers(
      graph,
      { sids: subjects.flatMap((s) => (s.sid ? [s.sid] : [])), upns: subjects.flatMap((s) => (s.upn ? [s.upn] : [])) },
      signal,
    ),
    readSkus(graph, signal),
    readNdesConnectors(graph, signal),
    readExchangeConnectors(graph, signal),
    readMdmAuthority(graph, signal),
  ]);
  const scepProfiles = await readScepProfiles(graph, read, signal);
  const objectBodies = await readIntuneObjects(graph, comparable(read).map(toTarget), signal);
  // The members were read with the picture (the groups a collection may map to); one function
  // compares them with the collection's effective members, for phase 1 and here alike.
  const groupMembers: GroupMembersRecord[] = [];
  for (const m of deployedMappings(read)) {
    const group = m.groups[0];
    if (m.status !== 'mapped' || !group?.id) continue;
    const members = read.groupMembers.get(group.id) ?? (await readGroupMembers(graph, [group.id], signal)).get(group.id) ?? [];
    groupMembers.push({
      collectionId: m.collectionId,
      groupId: group.id,
      groupName: group.displayName,
      own: read.ownGroups.get(m.collectionId) === group.id,
      members,
    });
  }
  const missingFromOwn = groupMembers
    .filter((g) => g.own)
    .flatMap((g) => missingFromOwnGroup({ ...read, groupMembers: new Map([[g.groupId, g.members]]) }, g.collectionId, g.groupId));
  const userIds = (await resolveUsers(graph, missingFromOwn, signal)).byLabel;
  const terms = await readTerms(graph, signal);
  const termsGroupMembers = new Map<string, string[]>();
  for (const id of new Set(terms.flatMap((t) => t.groupIds))) {
    // direct members: a user in a nested group is reported as not covered (a warning, not a block)
    const members = await listChecked<{ userPrincipalName?: string | null }>(
      graph,
      `/groups/${id}/members`,
      MEMBER_FIELDS,
      'group member',
      { query: { $select: 'id,userPrincipalName', $top: 999 }, signal },
    );
    termsGroupMembers.set(
      id,
      members.flatMap((x) => (x.userPrincipalName ? [lower(x.userPrincipalName)] : [])),
    );
  }
  return {
    read,
    subjects,
    users,
    skus,
    ndes,
    exchange,
    authority,
    tenantId: session.tenantId,
    scepProfiles,
    groupMembers,
    userIds,
    baseUrl: graph.baseUrl,
    terms,
    termsGroupMembers,
    objectBodies,
  };
}

/** The selected objects paired with an Intune object of their own type: their settings can be compared. */
const comparable = (read: ImportRead) =>
  read.picture.items.filter((i) => i.selected && i.counterpart && i.translation.request && !i.wrongType);
const toTarget = (i: PictureItem) => ({ key: i.key, resource: i.translation.request!.resource, id: i.counterpart!.id });

/** The group mappings of the collections that objects in Intune (or about to be) are deployed to. */
function deployedMappings(read: ImportRead) {
  const deployed = new Set(
    read.picture.items.filter((i) => i.selected && (i.counterpart || toCreate(i))).flatMap((i) => i.deployments.map((d) => d.collectionId)),
  );
  return read.picture.groups.filter((m) => deployed.has(m.collectionId));
}

async function readScepProfiles(graph: GraphPort, read: ImportRead, signal?: AbortSignal): Promise<ScepProfileRecord[]> {
  const imported = read.picture.items.filter((i) => i.translation.source.kind === 'scep' && i.counterpart);
  const profiles: ScepProfileRecord[] = [];
  for (const item of imported) {
    const { id, odataType } = item.counterpart!;
    profiles.push({ id, name: item.translation.source.name, odataType, urls: await readScepUrls(graph, id, odataType, signal) });
  }
  return profiles;
}

/** The checks and their fixes over what was read: a pure function (no request, no clock). */
export function assessReadiness(sources: PrepareSources, plan: MigrationPlan, options: { wave?: string } = {}): Readiness {
  const steps: Step[] = [];
  const checks: ReadinessCheck[] = [
    tenantCheck(sources),
    importedObjectsCheck(sources),
    groupsCheck(sources, steps),
    licenceCheck(sources, plan, steps),
    ndesCheck(sources, plan),
    exchangeCheck(sources, plan),
    scepUrlCheck(sources, plan, steps),
    termsCheck(sources),
  ];
  return { wave: options.wave, checks, steps, blocking: checks.filter((c) => c.state === 'blocking').length };
}

function check(
  id: CheckId,
  title: string,
  state: CheckState,
  summary: string,
  evidence: string[] = [],
  more: Partial<ReadinessCheck> = {},
): ReadinessCheck {
  return { id, title, state, summary, evidence, fixSteps: [], ...more };
}

function tenantCheck(s: PrepareSources): ReadinessCheck {
  const evidence = [`tenant ${s.tenantId} (the plan's)`, `MDM authority: ${s.authority}`];
  if (lower(s.authority) === 'sccm')
    return check('tenant', 'Tenant', 'ok', 'hybrid MDM: the MDM authority is still Configuration Manager', evidence);
  return check(
    'tenant',
    'Tenant',
    'blocking',
    `the MDM authority is "${s.authority}", not "sccm": this tenant is not in hybrid MDM, so there is nothing to prepare`,
    evidence,
    {
      instructions:
        'Check that the plan names the right tenant; phase 2 prepares a tenant whose MDM authority is still Configuration Manager.',
    },
  );
}

function importedObjectsCheck(s: PrepareSources): ReadinessCheck {
  const selected = s.read.picture.items.filter((i) => i.selected);
  // Drift by settings: the payload's settings against the tenant's object (read with the sources).
  const changedSettings = new Map<string, string[]>();
  for (const i of s.objectBodies ? comparable(s.read) : []) {
    const body = s.objectBodies!.get(i.key);
    const names = body ? driftedSettings(i, body) : [];
    if (names.length) changedSettings.set(i.key, names);
  }
  const imported = selected.filter((i) => i.state === 'imported' && !changedSettings.has(i.key));
  const missing = selected.filter(toCreate);
  const drifted = selected.filter((i) => i.state === 'drifted' || (i.state === 'imported' && changedSettings.has(i.key)));
  const byHand = selected.filter((i) => !i.counterpart && !toCreate(i));
  const name = (i: (typeof selected)[number]) => `${KIND_LABELS[i.translation.source.kind]} "${i.translation.source.name}"`;
  const compared = s.objectBodies ? 'name, type, marker and settings' : 'name, type and marker';
  const evidence = [`${imported.length} of ${selected.length} selected object(s) in Intune, unchanged since import (${compared} compared)`];
  if (missing.length) evidence.push(`${missing.length} not imported yet: ${firstNames(missing.map(name))}`);
  for (const i of drifted) {
    const settings = changedSettings.get(i.key);
    const why = [...i.stateReasons, ...(settings ? [settingsDriftReason(settings)] : [])];
    evidence.push(`${name(i)} changed since import: ${why.join('; ') || 'see the import preview'}`);
  }
  for (const i of byHand) {
    const deployments = [...new Set(i.deployments.map((d) => d.collectionName))];
    evidence.push(
      `${name(i)} can't be imported (${i.reasons[0] ?? i.state}): recreate it by hand${deployments.length ? `; deployed to ${firstNames(deployments)}` : ''}`,
    );
  }
  if (missing.length) {
    return check(
      'imported-objects',
      'Imported objects',
      'blocking',
      `${missing.length} selected object(s) are not in Intune yet`,
      evidence,
      { instructions: 'Run `cm2intune import` (phase 1) first.' },
    );
  }
  if (drifted.length || byHand.length) {
    return check(
      'imported-objects',
      'Imported objects',
      'warning',
      `${drifted.length} changed since import, ${byHand.length} to recreate by hand`,
      evidence,
      {
        instructions: byHand.length
          ? 'Recreate the objects listed by hand in Intune and assign them as their deployments were.'
          : undefined,
      },
    );
  }
  return check('imported-objects', 'Imported objects', 'ok', `${imported.length} selected object(s) in Intune`, evidence);
}

function groupsCheck(s: PrepareSources, steps: Step[]): ReadinessCheck {
  const { picture, tenantObjects } = s.read;
  // Only deployments of objects that are (or will be) in Intune need a group.
  const mappings = deployedMappings(s.read);
  const unmapped = mappings.filter((m) => m.status === 'unmapped');
  const toCreateGroups = mappings.filter((m) => m.status === 'create');
  const missingAssignments = picture.items.filter((i) => i.selected && i.counterpart && i.assign && assignmentsDiffer(i, tenantObjects));
  const evidence = [
    `${mappings.length - unmapped.length - toCreateGroups.length} of ${mappings.length} deployed collection(s) have a group`,
  ];
  for (const m of unmapped) evidence.push(`collection "${m.collectionName}" (${m.collectionId}) has no group: ${m.reason}`);
  if (toCreateGroups.length)
    evidence.push(`${toCreateGroups.length} group(s) to create: ${firstNames(toCreateGroups.map((m) => m.collectionName))}`);
  if (missingAssignments.length)
    evidence.push(
      `${missingAssignments.length} imported object(s) lack assignments: ${firstNames(missingAssignments.map((i) => i.translation.source.name))}`,
    );
  // Members: the group should hold the collection's effective members (those with a UPN).
  const fixSteps: string[] = [];
  let differing = 0;
  for (const g of s.groupMembers) {
    const difference = groupDifference(s.read.model, g.collectionId, g.members, inTenant(s.read.notInTenant));
    if (!membersDiffer(difference)) continue;
    const missing = difference.removed.map((r) => r.label);
    const extra = difference.added;
    differing++;
    evidence.push(
      `group "${g.groupName}" for collection ${g.collectionId}: ${missing.length} member(s) missing${missing.length ? ` (${firstNames(missing)})` : ''}, ${extra.length} not in the collection${extra.length ? ` (${firstNames(extra)})` : ''}${difference.nested.length ? `, nested group(s) not compared (${firstNames(difference.nested)})` : ''}`,
    );
    if (g.own && missing.length) {
      const ids = missing.flatMap((u) => s.userIds.get(lower(u)) ?? []);
      // The group exists: its id stands in for the placeholder the member steps need.
      const memberFix = memberSteps({ baseUrl: s.baseUrl }, g.collectionId, g.groupName, ids).map((step) => ({
        ...step,
        needs: [],
        request: { ...step.request, path: `/groups/${g.groupId}` },
      }));
      steps.push(...memberFix);
      fixSteps.push(...memberFix.map((x) => x.id));
    }
  }
  if (unmapped.length) {
    return check('groups', 'Groups and assignments', 'blocking', `${unmapped.length} deployed collection(s) have no group`, evidence, {
      instructions:
        'Map each collection to an Entra ID group in the plan (groups.map), or let cm2intune create them (groups.createMissing), then run `cm2intune import`.',
    });
  }
  if (toCreateGroups.length || missingAssignments.length) {
    return check(
      'groups',
      'Groups and assignments',
      'blocking',
      `${toCreateGroups.length} group(s) and ${missingAssignments.length} assignment(s) missing`,
      evidence,
      {
        instructions: 'Run `cm2intune import`: it creates the missing groups and adds the missing assignments.',
      },
    );
  }
  if (differing) {
    return check('groups', 'Groups and assignments', 'warning', `${differing} group(s) differ from their collection's members`, evidence, {
      fixSteps,
      instructions:
        'Groups synced from Active Directory follow AD: change the AD group, or map the collection to another group. cm2intune fills the groups it created (--fix).',
    });
  }
  return check(
    'groups',
    'Groups and assignments',
    'ok',
    `every deployed collection has a group with its members, and every imported object its assignments`,
    evidence,
  );
}

/** The SKU the plan lets cm2intune assign (`prepare.assignLicenseSku`: skuId or part number). */
function planSku(skus: TenantSku[], plan: MigrationPlan): { sku?: TenantSku; problem?: string } {
  const wanted = plan.prepare?.assignLicenseSku;
  if (!wanted) return {};
  const sku = skus.find((k) => lower(k.skuId) === lower(wanted) || lower(k.skuPartNumber) === lower(wanted));
  if (!sku)
    return {
      problem: `prepare.assignLicenseSku "${wanted}" is not a SKU of this tenant (it has ${skus.map((k) => k.skuPartNumber).join(', ') || 'none'})`,
    };
  if (!sku.servicePlanIds.includes(INTUNE_SERVICE_PLAN))
    return {
      problem: `prepare.assignLicenseSku "${wanted}" (${sku.skuPartNumber}) holds no Intune service plan (INTUNE_A): it would not license anyone for Intune`,
    };
  return { sku };
}

/** Every subject holds an enabled Intune plan and a usage location; phase 4 runs it on the subscription collection's users. */
export function licenceCheck(s: Pick<PrepareSources, 'subjects' | 'users' | 'skus'>, plan: MigrationPlan, steps: Step[]): ReadinessCheck {
  const title = 'Licences';
  if (plan.prepare?.checkLicenses === false)
    return check('licences', title, 'warning', 'not checked: the plan turns the licence check off (prepare.checkLicenses)');
  const bySid = new Map(s.users.filter((u) => u.onPremisesSecurityIdentifier).map((u) => [lower(u.onPremisesSecurityIdentifier!), u]));
  const byUpn = new Map(s.users.map((u) => [lower(u.userPrincipalName), u]));
  const notFound: PrepareSubject[] = [];
  const unlicensed: { subject: PrepareSubject; user: TenantUserLicence }[] = [];
  const noLocation: PrepareSubject[] = [];
  for (const subject of s.subjects) {
    const user = (subject.sid && bySid.get(lower(subject.sid))) || (subject.upn && byUpn.get(lower(subject.upn))) || undefined;
    if (!user) notFound.push(subject);
    else {
      if (!user.usageLocation) noLocation.push(subject);
      if (!hasIntunePlan(user)) unlicensed.push({ subject, user });
    }
  }
  const intuneSkus = s.skus.filter((k) => k.servicePlanIds.includes(INTUNE_SERVICE_PLAN));
  const free = (k: TenantSku) => Math.max(0, k.enabledUnits - k.consumedUnits);
  const evidence = [
    `${s.subjects.length} user(s) checked (${[...new Set(s.subjects.flatMap((x) => x.from))].join(', ') || 'none in scope'})`,
    `free seats of SKUs with Intune: ${intuneSkus.map((k) => `${k.skuPartNumber} ${free(k)} of ${k.enabledUnits}`).join(', ') || 'none (no SKU holds the Intune service plan)'}`,
  ];
  if (notFound.length) evidence.push(`${notFound.length} not in Entra ID (by SID or UPN): ${firstNames(notFound.map((x) => x.label))}`);
  if (unlicensed.length)
    evidence.push(`${unlicensed.length} without an enabled Intune service plan: ${firstNames(unlicensed.map((x) => x.subject.label))}`);
  if (noLocation.length) evidence.push(`${noLocation.length} without a usage location: ${firstNames(noLocation.map((x) => x.label))}`);
  if (!plan.authority?.admin)
    evidence.push('the admin who will change the MDM authority (phase 4) is not checked: name them in the plan (authority.admin)');

  const fixSteps: string[] = [];
  const { sku, problem } = planSku(s.skus, plan);
  if (problem) evidence.push(problem);
  if (sku && unlicensed.length) {
    // A user who already holds the SKU (its Intune plan disabled) takes no new seat.
    const holds = (u: TenantUserLicence) => u.assignedLicenses.some((l) => lower(l.skuId) === lower(sku.skuId));
    let seats = free(sku);
    const noSeat: string[] = [];
    for (const { subject, user } of [...unlicensed].sort((a, b) => a.subject.label.localeCompare(b.subject.label))) {
      if (!user.usageLocation) continue; // Entra ID refuses a licence without one
      if (!holds(user)) {
        if (seats === 0) {
          noSeat.push(subject.label);
          continue;
        }
        seats--;
      }
      const step: Step = {
        id: `licence:${user.id}`,
        key: `licence:${lower(user.userPrincipalName)}`,
        action: 'assignLicense',
        title: `Assign ${sku.skuPartNumber} to ${user.userPrincipalName}`,
        request: {
          method: 'POST',
          path: `/users/${user.id}/assignLicense`,
          version: 'v1.0',
          body: { addLicenses: [{ skuId: sku.skuId, disabledPlans: [] }], removeLicenses: [] },
        },
        needs: [],
        verify: `${user.userPrincipalName} has the Intune service plan enabled`,
      };
      steps.push(step);
      fixSteps.push(step.id);
    }
    if (noSeat.length)
      evidence.push(`${noSeat.length} can't be licensed: ${sku.skuPartNumber} has no seat left for them (${firstNames(noSeat)})`);
  }
  const problems = notFound.length + unlicensed.length + noLocation.length;
  if (problems === 0)
    return check(
      'licences',
      title,
      'ok',
      `all ${s.subjects.length} user(s) hold an enabled Intune service plan and a usage location`,
      evidence,
    );
  return check(
    'licences',
    title,
    'blocking',
    `${unlicensed.length} unlicensed, ${noLocation.length} without a usage location, ${notFound.length} not in Entra ID`,
    evidence,
    {
      fixSteps,
      instructions: [
        fixSteps.length
          ? `cm2intune can assign ${sku!.skuPartNumber} to ${fixSteps.length} of them (--fix).`
          : sku
            ? ''
            : 'Assign a licence with the Intune service plan, or name one in the plan (prepare.assignLicenseSku) for cm2intune to assign.',
        noLocation.length ? 'Set a usage location on the users without one (Entra ID refuses a licence without it).' : '',
        notFound.length ? 'Users not in Entra ID must be synced (Entra Connect) before they can move.' : '',
      ]
        .filter(Boolean)
        .join(' '),
    },
  );
}

/** Whether the plan imports profiles of these kinds (selected, in Intune or to be created). */
const imports = (s: PrepareSources, kinds: string[]) =>
  s.read.picture.items.filter((i) => i.selected && kinds.includes(i.translation.source.kind) && (i.counterpart || toCreate(i)));

/** The role whose host Intune's NDES connector must not share (domain B.1). */
export const CERTIFICATE_REGISTRATION_POINT = 'SMS Certificate Registration Point';

/** `NDES01.contoso.com` and `ndes01` name the same host. */
const sameHost = (a: string, b: string) => {
  const [x, y] = [lower(a), lower(b)];
  return x === y || x.split('.')[0] === y.split('.')[0];
};

function ndesCheck(s: PrepareSources, plan: MigrationPlan): ReadinessCheck {
  const title = 'NDES certificate connector';
  const certificates = imports(s, ['scep', 'pfx']);
  const required = plan.prepare?.requireNdesConnector ?? certificates.length > 0;
  const host = (c: NdesConnectorRecord) => c.machineName ?? c.displayName;
  const crpHosts = (s.read.model.siteSystems ?? []).filter((r) => r.roleName === CERTIFICATE_REGISTRATION_POINT).map((r) => r.serverName);
  const onCrp = (c: NdesConnectorRecord) => crpHosts.some((h) => sameHost(h, host(c)));
  const active = s.ndes.filter((c) => lower(c.state) === 'active');
  const usable = active.filter((c) => !onCrp(c));
  const evidence = [
    `${certificates.length} SCEP/PFX profile(s) imported`,
    `${s.ndes.length} connector(s): ${s.ndes.map((c) => `${host(c)} ${c.state}`).join(', ') || 'none'}`,
    crpHosts.length
      ? `ConfigMgr's certificate registration point: ${crpHosts.join(', ')}`
      : "ConfigMgr's certificate registration point: not found in the site",
  ];
  for (const c of s.ndes.filter(onCrp))
    evidence.push(`${host(c)} is ConfigMgr's certificate registration point host: Intune's connector must run on another server`);
  const instructions =
    "Install the Intune Certificate Connector on an NDES server that is not ConfigMgr's certificate registration point, sign it in to this tenant and check that it is active.";
  if (!required) return check('ndes-connector', title, 'ok', 'not needed: no SCEP or PFX profile is imported', evidence);
  if (usable.length === 0) {
    const summary = active.length
      ? `the only active NDES connector runs on ConfigMgr's certificate registration point (${active.map(host).join(', ')})`
      : s.ndes.length
        ? 'no NDES connector is active'
        : 'no NDES connector is installed';
    return check('ndes-connector', title, 'blocking', summary, evidence, { instructions });
  }
  if (usable.length < active.length)
    return check(
      'ndes-connector',
      title,
      'warning',
      `active on ${usable.map(host).join(', ')}; another active one runs on ConfigMgr's certificate registration point`,
      evidence,
      { instructions: 'Remove the connector on the certificate registration point host.' },
    );
  return check('ndes-connector', title, 'ok', `active on ${usable.map(host).join(', ')}`, evidence);
}

function exchangeCheck(s: PrepareSources, plan: MigrationPlan): ReadinessCheck {
  const title = 'Exchange connector';
  const email = imports(s, ['email']);
  const required = plan.prepare?.requireExchangeConnector ?? email.length > 0;
  const connected = s.exchange.filter((c) => lower(c.status) === 'connected');
  const evidence = [
    `${email.length} e-mail profile(s) imported`,
    `${s.exchange.length} connector(s): ${s.exchange.map((c) => `${c.serverName ?? c.id} ${c.status}`).join(', ') || 'none'}`,
  ];
  if (!required) return check('exchange-connector', title, 'ok', 'not required by the plan', evidence);
  if (connected.length)
    return check('exchange-connector', title, 'ok', `connected to ${connected.map((c) => c.serverName ?? c.id).join(', ')}`, evidence);
  return check(
    'exchange-connector',
    title,
    'blocking',
    s.exchange.length ? 'no Exchange connector is connected' : 'no Exchange connector is installed',
    evidence,
    {
      instructions:
        'Install the Intune on-premises Exchange connector (Intune admin center > Tenant administration > Exchange access) and check that it connects.',
    },
  );
}

function scepUrlCheck(s: PrepareSources, plan: MigrationPlan, steps: Step[]): ReadinessCheck {
  const title = 'SCEP server URL';
  const url = plan.prepare?.scepServerUrl;
  const evidence = [`${s.scepProfiles.length} imported SCEP profile(s)`];
  if (s.scepProfiles.length === 0) return check('scep-url', title, 'ok', 'no SCEP profile imported', evidence);
  if (!url) {
    return check(
      'scep-url',
      title,
      'warning',
      'the plan names no NDES URL for the Intune certificate connector',
      [...evidence, ...s.scepProfiles.map((p) => `"${p.name}": ${p.urls.join(', ') || '(none)'}`)],
      {
        instructions:
          'Set prepare.scepServerUrl in the plan to the NDES URL the Intune certificate connector serves, then run `cm2intune prepare --fix`.',
      },
    );
  }
  const stale = s.scepProfiles.filter((p) => p.urls.length !== 1 || p.urls[0] !== url);
  if (stale.length === 0) return check('scep-url', title, 'ok', `every imported SCEP profile points to ${url}`, evidence);
  const fixSteps = stale.map((p): Step => ({
    id: `scep-url:${p.id}`,
    key: `scep-url:${p.id}`,
    action: 'update',
    title: `Point SCEP profile "${p.name}" to ${url} (was ${p.urls.join(', ') || 'none'})`,
    request: {
      method: 'PATCH',
      path: `/deviceManagement/deviceConfigurations/${p.id}`,
      version: 'beta',
      body: { '@odata.type': p.odataType, scepServerUrls: [url] },
      odataType: p.odataType,
    },
    needs: [],
    verify: `the profile's scepServerUrls is [${url}]`,
  }));
  steps.push(...fixSteps);
  return check(
    'scep-url',
    title,
    'warning',
    `${stale.length} imported SCEP profile(s) don't point to ${url}`,
    [...evidence, ...stale.map((p) => `"${p.name}": ${p.urls.join(', ') || '(none)'}`)],
    { fixSteps: fixSteps.map((x) => x.id) },
  );
}

function termsCheck(s: PrepareSources): ReadinessCheck {
  const title = 'Terms and conditions';
  const onSite = s.read.picture.items.filter((i) => i.translation.source.kind === 'termsAndConditions');
  const evidence = [
    `${onSite.length} on the site, ${s.terms.length} in the tenant: ${s.terms.map((t) => `"${t.displayName}"`).join(', ') || 'none'}`,
  ];
  if (onSite.length === 0 && s.terms.length === 0) return check('terms', title, 'ok', 'none on the site or in the tenant', evidence);
  const covered = (subject: PrepareSubject) =>
    s.terms.some(
      (t) => t.allUsers || t.groupIds.some((g) => (s.termsGroupMembers.get(g) ?? []).includes(lower(subject.upn ?? subject.label))),
    );
  const uncovered = s.subjects.filter((x) => !covered(x));
  if (uncovered.length === 0)
    return check('terms', title, 'ok', `assigned to a group that covers all ${s.subjects.length} user(s)`, evidence);
  evidence.push(`${uncovered.length} user(s) no terms policy is assigned to: ${firstNames(uncovered.map((x) => x.label))}`);
  return check(
    'terms',
    title,
    'warning',
    s.terms.length
      ? `the terms are not assigned to ${uncovered.length} of the users`
      : 'the site has terms and conditions, and the tenant has none yet',
    evidence,
    {
      instructions: s.terms.length
        ? 'Assign the terms and conditions (Intune admin center > Tenant administration > Terms and conditions) to a group that holds the users who move: they migrated with the tenant, unassigned.'
        : 'The terms move to Intune with the tenant (mixed authority or the authority change); assign them then.',
    },
  );
}

export interface PrepareRun {
  outcomes: StepOutcome[];
  done: number;
  failed: number;
}

/** Runs the fixes with the journal. No step here creates an object, so nothing is settled by marker. */
export async function executeFixes(
  session: MigrationSession,
  steps: Step[],
  options: Partial<Pick<ExecuteOptions, 'signal' | 'onProgress' | 'onWait'>> = {},
): Promise<PrepareRun> {
  const outcomes = await executeSteps(steps, {
    graph: session.graph,
    journal: session.journal,
    phase: 'prepare',
    ids: new Map(),
    signal: options.signal,
    onProgress: options.onProgress,
    onWait: options.onWait,
    // Only creates and member additions are settled against the tenant; a fix whose answer was
    // lost is seen by the next read (a second `--fix` proposes what is still missing).
    reconcile: async () => null,
  });
  return {
    outcomes,
    done: outcomes.filter((o) => o.status === 'done' || o.status === 'reconciled').length,
    failed: outcomes.filter((o) => o.status !== 'done' && o.status !== 'reconciled').length,
  };
}

/** A `prepare --fix` run as its report beside the plan: the fixes sent, then the checks read again. */
export function fixReportToMarkdown(run: {
  plan: string;
  tenant: string;
  at?: Date;
  ms: number;
  outcomes: StepOutcome[];
  after: Readiness;
}): string {
  const done = run.outcomes.filter((o) => o.status === 'done' || o.status === 'reconciled').length;
  const cell = (s: string) => mdText(s).replace(/\r?\n/g, ' ');
  const lines = [
    `# cm2intune readiness fixes report — ${mdText(run.plan)}`,
    '',
    `${(run.at ?? new Date()).toISOString()}, ${(run.ms / 1000).toFixed(1)} s, ${mdText(run.tenant)}: ${done} done, ${run.outcomes.length - done} failed; ${
      run.after.blocking ? `${run.after.blocking} check(s) still block the move` : 'nothing blocks the move'
    }.`,
    '',
    '## Fixes',
    '',
    '| # | Fix | Outcome | Detail |',
    '|---|---|---|---|',
    ...outcomeRows(run.outcomes).map((o, i) => `| ${i + 1} | ${cell(o.title)} | ${o.status} | ${cell(o.detail)} |`),
    '',
    '## Readiness after the fixes',
    '',
    '```text',
    readinessToText(run.after, { plan: run.plan, tenant: run.tenant }).trimEnd(),
    '```',
  ];
  return lines.join('\n') + '\n';
}

/** Writes the fixes' report beside the plan (the CLI and the editor write the same file); returns its path. */
export function writeFixReport(planFile: string, markdown: string): string {
  const file = runReportPath(planFile, 'prepare');
  writeFileSync(file, markdown);
  return file;
}

const MARKS: Record<CheckState, string> = { ok: 'ok', warning: 'warning', blocking: 'BLOCKING' };

/** The readiness table as text, for the CLI: one line per check, its evidence indented, then the fixes. */
export function readinessToText(r: Readiness, context: { plan: string; tenant: string }): string {
  const lines = [`Readiness of ${context.tenant} for ${r.wave ? `wave "${r.wave}"` : 'every wave'} (${context.plan}):`, ''];
  for (const c of r.checks) {
    lines.push(`${MARKS[c.state].padEnd(9)} ${c.title}: ${c.summary}`);
    for (const e of c.evidence) lines.push(`          - ${e}`);
    if (c.instructions && c.state !== 'ok') lines.push(`          To do: ${c.instructions}`);
  }
  lines.push('');
  lines.push(r.blocking ? `${r.blocking} check(s) block the move.` : 'Ready: nothing blocks the move.');
  if (r.steps.length) {
    lines.push('', `Fixes cm2intune can make (${r.steps.length} request(s)):`);
    for (const s of r.steps) lines.push(`  ${s.title}`);
  }
  return lines.join('\n') + '\n';
}

/** The same as data for `--json`: the checks, the fixes' titles and requests. */
export function readinessToJson(r: Readiness) {
  return {
    wave: r.wave ?? null,
    ready: r.blocking === 0,
    blocking: r.blocking,
    checks: r.checks.map(({ fixSteps, ...c }) => ({ ...c, fixes: fixSteps })),
    fixes: r.steps.map((s) => ({
      id: s.id,
      title: s.title,
      request: { method: s.request.method, path: s.request.path, version: s.request.version, body: s.request.body },
    })),
  };
}
