// Phase 3's reads (docs/waves.md): the wave's users and devices in the tenant, the site's
// collections, and the wave's state rebuilt from both sides plus what the journal remembers.
// Reads only: the site changes through the runbook the admin runs, never from here.
import { UserError } from '../errors';
import type { Journal, JournalEntry } from '../ledger/journal';
import type { MigrationSession } from '../session';
import type { SiteModel } from '../site/model';
import { GraphMalformedResponseError } from '../tenant/errors';
import type { BatchRequest, GraphPort } from '../tenant/graph-port';
import { lookupItems } from '../tenant/read';
import { findUsers } from '../tenant/readiness';
import { fieldsProblem, type FieldRule } from '../tenant/shape';
import { assignmentsDiffer, readImportPicture } from './import';
import {
  ALL_USERS,
  groupsReadyCheck,
  withPreflightCheck,
  findWave,
  preflightWave,
  siteSideOf,
  verifyWave,
  waveRunbook,
  waveUndoRunbook,
  type EntraUser,
  type ManagedDevice,
  type PlanWave,
  type Preflight,
  type PreflightCheck,
  type WaveUser,
  type WaveVerification,
} from './waves';

export const DEVICE_SELECT = 'id,deviceName,userPrincipalName,managementAgent,managementState,deviceEnrollmentType,lastSyncDateTime';
export const DEVICE_FIELDS: Record<string, FieldRule> = {
  id: 'string',
  deviceName: 'string?',
  userPrincipalName: 'string?',
  managementAgent: 'string',
  managementState: 'string',
  deviceEnrollmentType: 'string?',
  lastSyncDateTime: 'string?',
};
const USER_FIELDS: Record<string, FieldRule> = { id: 'string', userPrincipalName: 'string', assignedPlans: 'array?' };

/**
 * Up to this many users, their devices are read per user (2 requests each, 20 to a $batch: 5 calls
 * for 50 users); above it, the tenant's managed devices are read whole, 999 to a page, which costs
 * one call per 999 devices whatever the wave (docs/waves.md, "Reading a big wave").
 */
export const PER_USER_DEVICE_READS_UP_TO = 50;

/**
 * The wave users in Entra ID (with their plans) and their managed devices, each device re-checked
 * client-side against its user (Graph ignores most managedDevices filters silently, §H.3.1): per
 * user `GET /users/{upn}/managedDevices` in $batch for a small wave, the whole device list for a
 * big one.
 */
export async function readWaveTenant(
  graph: GraphPort,
  upns: string[],
  signal?: AbortSignal,
): Promise<{ entraUsers: EntraUser[]; devices: ManagedDevice[] }> {
  const unique = [...new Set(upns.map((u) => u.toLowerCase()))];
  if (unique.length > PER_USER_DEVICE_READS_UP_TO) return readBigWaveTenant(graph, unique, signal);
  const requests: BatchRequest[] = unique.flatMap((upn, i) => [
    { id: `u${i}`, method: 'GET' as const, path: `/users/${encodeURIComponent(upn)}?$select=id,userPrincipalName,assignedPlans` },
    { id: `d${i}`, method: 'GET' as const, path: `/users/${encodeURIComponent(upn)}/managedDevices?$select=${DEVICE_SELECT}&$top=999` },
  ]);
  if (!requests.length) return { entraUsers: [], devices: [] };
  const results = await graph.batch(requests, { signal });
  const entraUsers: EntraUser[] = [];
  const devices: ManagedDevice[] = [];
  for (const [index, upn] of unique.entries()) {
    const user = results[index * 2];
    // Not in Entra ID: preflight says so; the device list of a missing user is a 404 as well.
    if (user.outcome !== 'ok' && user.status === 404) continue;
    if (user.outcome !== 'ok') lookupItems(user, '/v1.0/users', USER_FIELDS, 'user lookup'); // throws with Graph's words
    const problem = fieldsProblem([user.body], USER_FIELDS, 'user');
    if (problem) throw new GraphMalformedResponseError('GET', `/v1.0/users/${upn}`, user.status, problem, user.requestId);
    entraUsers.push(user.body as EntraUser);
    const path = `/v1.0/users/${upn}/managedDevices`;
    const listed = lookupItems<ManagedDevice & { lastSyncDateTime?: string | null; deviceName?: string | null }>(
      results[index * 2 + 1],
      path,
      DEVICE_FIELDS,
      'managed device',
    );
    const next = (results[index * 2 + 1].body as Record<string, unknown>)['@odata.nextLink'];
    const more = typeof next === 'string' ? await graph.listAll<ManagedDevice>(next, { signal }) : [];
    const moreProblem = fieldsProblem(more, DEVICE_FIELDS, 'managed device');
    if (moreProblem) throw new GraphMalformedResponseError('GET', path, 200, moreProblem);
    for (const d of [...listed, ...more]) {
      // Re-checked: a user's list holds only their devices; anything else is not this wave's.
      if (d.userPrincipalName && d.userPrincipalName.toLowerCase() !== upn) continue;
      devices.push(waveDevice(d, upn));
    }
  }
  return { entraUsers, devices };
}

/** A device as listed, its missing fields filled the same way for both ways of reading. */
function waveDevice(d: ManagedDevice & { deviceName?: string | null }, upn: string): ManagedDevice {
  return {
    ...d,
    userPrincipalName: d.userPrincipalName || upn,
    deviceName: d.deviceName ?? d.id,
    deviceEnrollmentType: d.deviceEnrollmentType ?? 'unknown',
    lastSyncDateTime: d.lastSyncDateTime ?? '',
  };
}

/** A big wave: the users by UPN (15 to a filter, 20 filters to a $batch), then every managed device, paged. */
async function readBigWaveTenant(
  graph: GraphPort,
  upns: string[],
  signal?: AbortSignal,
): Promise<{ entraUsers: EntraUser[]; devices: ManagedDevice[] }> {
  const wanted = new Set(upns);
  const entraUsers: EntraUser[] = (await findUsers(graph, { sids: [], upns }, signal))
    .filter((u) => wanted.has(u.userPrincipalName.toLowerCase()))
    .map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, assignedPlans: u.assignedPlans }));
  const upnById = new Map(entraUsers.map((u) => [u.id, u.userPrincipalName.toLowerCase()]));
  const path = '/deviceManagement/managedDevices';
  const all = await graph.listAll<ManagedDevice & { userId?: string | null; deviceName?: string | null }>(path, {
    query: { $select: `${DEVICE_SELECT},userId`, $top: 999 },
    signal,
  });
  const problem = fieldsProblem(all, DEVICE_FIELDS, 'managed device');
  if (problem) throw new GraphMalformedResponseError('GET', `/v1.0${path}`, 200, problem);
  const devices: ManagedDevice[] = [];
  for (const d of all) {
    // The device's UPN decides; a device listed without one belongs to the wave user whose id it carries.
    const upn = d.userPrincipalName ? d.userPrincipalName.toLowerCase() : d.userId ? upnById.get(d.userId) : undefined;
    if (!upn || !wanted.has(upn)) continue;
    const { userId: _userId, ...device } = d;
    devices.push(waveDevice(device, upn));
  }
  return { entraUsers, devices };
}

/** The journal's record of a wave: what the product did, not what the sides show. */
export type WaveJournalEntry = Extract<JournalEntry, { t: 'wave' }>;

export function waveEvents(journal: Journal, wave: string): WaveJournalEntry[] {
  return journal.entries.filter((e): e is WaveJournalEntry => e.t === 'wave' && e.wave === wave);
}

export interface WaveRead {
  wave: PlanWave;
  preflight: Preflight;
  verification: WaveVerification;
}

function subscriptionOf(session: MigrationSession): string {
  const id = session.plan.subscriptionCollection;
  if (!id)
    throw new UserError(
      `${session.planFile}: "subscriptionCollection" is missing: phase 3 excludes wave users from the Intune subscription's user collection. Put its CollectionID there (All Users is SMS00002).`,
    );
  return id;
}

/** One wave's two sides, read once: the site, the wave's users in Entra ID and their devices. */
interface WaveSides {
  wave: PlanWave;
  subscription: string;
  site: SiteModel;
  tenant: { entraUsers: EntraUser[]; devices: ManagedDevice[] };
  /** Both sides' preflight, without phase 1's groups check (readGroupsReady). */
  preflight: Preflight;
}

async function readWaveSides(session: MigrationSession, waveName: string, signal?: AbortSignal): Promise<WaveSides> {
  const { wave } = findWave(session.plan, waveName);
  const subscription = subscriptionOf(session);
  const site = await session.site.read({ signal });
  const preflightOf = (tenant: WaveSides['tenant']) =>
    preflightWave({ plan: session.plan, wave: wave.name, siteUsers: site.users, ...tenant });
  // The site alone resolves the wave's users to UPNs; those are read in the tenant.
  const upns = preflightOf({ entraUsers: [], devices: [] })
    .users.map((u) => u.upn)
    .filter((u): u is string => !!u);
  const tenant = await readWaveTenant(session.graph, upns, signal);
  return { wave, subscription, site, tenant, preflight: preflightOf(tenant) };
}

/** Reads both sides for one wave: preflight and verification, fresh. */
export async function readWave(session: MigrationSession, waveName: string, signal?: AbortSignal): Promise<WaveRead> {
  const { wave, subscription, site, tenant, preflight } = await readWaveSides(session, waveName, signal);
  // "After the change" is the site's own time (the wave collection's LastChangeTime), "now" the
  // tenant's newest sync: this machine's clock is neither (and a sandbox world keeps its own).
  const verification = verifyWave({
    wave,
    users: preflight.users,
    entraUsers: tenant.entraUsers,
    devices: tenant.devices,
    site: siteSideOf(site.collections, subscription, wave, preflight.users),
  });
  return { wave, preflight, verification };
}

/**
 * The wave's "groups ready" check (phase 1's picture: site, tenant, group mapping): objects in
 * Intune deployed to a collection a wave user is in, whose assignments are not all there. `site`
 * is the site as the wave's read already has it.
 */
export async function readGroupsReady(
  session: MigrationSession,
  users: WaveUser[],
  signal?: AbortSignal,
  site?: SiteModel,
): Promise<PreflightCheck> {
  const read = await readImportPicture(session, signal, { site });
  const ids = new Set(users.map((u) => u.resourceId));
  const theirs = new Set(read.model.collections.filter((c) => c.memberResourceIds.some((id) => ids.has(id))).map((c) => c.id));
  const missing = read.picture.items
    .filter((i) => i.selected && i.counterpart && !i.wrongType && i.deployments.some((d) => theirs.has(d.collectionId)))
    .filter((i) => !i.assign || assignmentsDiffer(i, read.tenantObjects))
    .map((i) => ({
      name: i.translation.source.name,
      collections: i.deployments.filter((d) => theirs.has(d.collectionId)).map((d) => d.collectionName),
    }));
  return groupsReadyCheck(missing);
}

/** The full preflight of a wave: both sides, then whether phase 1's objects reach its users. */
export async function readWavePreflight(session: MigrationSession, waveName: string, signal?: AbortSignal): Promise<Preflight> {
  const { wave, site, preflight } = await readWaveSides(session, waveName, signal);
  return withPreflightCheck(preflight, await readGroupsReady(session, preflight.users, signal, site), wave);
}

/** The wave runbook (or its undo) for the site the plan names. */
export async function waveRunbookFor(
  session: MigrationSession,
  waveName: string,
  options: { undo?: boolean; signal?: AbortSignal } = {},
): Promise<{ text: string; preflight: Preflight }> {
  const { wave, subscription, site, preflight: tenantSide } = await readWaveSides(session, waveName, options.signal);
  // Undoing a wave needs no more than the users: the objects reaching them matter only for a move.
  const preflight = options.undo
    ? tenantSide
    : withPreflightCheck(tenantSide, await readGroupsReady(session, tenantSide.users, options.signal, site), wave);
  const input = {
    siteCode: site.siteCode,
    wave,
    subscriptionCollection: subscription === ALL_USERS ? ALL_USERS : subscription,
    users: preflight.users,
  };
  return { text: options.undo ? waveUndoRunbook(input) : waveRunbook(input), preflight };
}

/** The states docs/waves.md names, from the journal and both sides (both sides win). */
export type WaveStatusName =
  'planned' | 'preflight ok' | 'preflight blocked' | 'runbook written' | 'applied on the site' | 'devices moving' | 'verified';

export function waveStatus(read: WaveRead, events: WaveJournalEntry[]): { status: WaveStatusName; line: string } {
  const v = read.verification;
  const count = `devices ${v.moved} of ${v.expected} in Intune`;
  if (v.state === 'verified') return { status: 'verified', line: `verified (${count})` };
  if (v.state === 'moving') return { status: 'devices moving', line: `applied on the site, ${count}` };
  if (v.state === 'appliedOnSite') return { status: 'applied on the site', line: `applied on the site, ${count}` };
  if (events.some((e) => e.event === 'runbook'))
    return {
      status: 'runbook written',
      line: `runbook written, not applied on the site yet${v.state === 'runbookNotApplied' ? ` (${v.summary})` : ''}`,
    };
  if (!read.preflight.ok) return { status: 'preflight blocked', line: 'preflight blocked' };
  if (events.some((e) => e.event === 'preflight' && e.ok)) return { status: 'preflight ok', line: 'preflight ok' };
  return { status: 'planned', line: 'planned' };
}

/** Records what the product did for a wave (the state itself is rebuilt from both sides on every read). */
export function recordWave(
  session: MigrationSession,
  wave: string,
  event: WaveJournalEntry['event'],
  extra: Partial<Pick<WaveJournalEntry, 'ok' | 'moved' | 'expected'>> = {},
): void {
  if (session.readOnly) return;
  session.journal.append({ t: 'wave', wave, event, at: new Date().toISOString(), ...extra });
}
