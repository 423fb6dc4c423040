// Phase 4's reads and journal (docs/authority.md): the site's build and subscription collection,
// the tenant's authority, users, devices and tenant-level objects, each wave where it stands, and
// the guide's checklist as the journal keeps it. Reads only: the switch is the admin's, in the
// ConfigMgr console; the product writes nothing but its own journal.
import { UserError } from '../errors';
import type { MigrationSession } from '../session';
import { GraphMalformedResponseError } from '../tenant/errors';
import type { GraphPort } from '../tenant/graph-port';
import { findUsers, readMdmAuthority, readSkus, readTerms } from '../tenant/readiness';
import { fieldsProblem } from '../tenant/shape';
import {
  confirmProblem,
  guideState,
  lastPreflight,
  preflightAuthority,
  verifyAuthority,
  type AuthorityJournalEntry,
  type AuthorityPreflight,
  type AuthoritySources,
  type AuthorityVerification,
  type DepToken,
  type EnrollmentRestriction,
  type GuideState,
  type TenantPolicyCounts,
  type VppToken,
  type WaveStanding,
} from './authority';
import { prepareSubjects } from './prepare';
import { DEVICE_FIELDS, DEVICE_SELECT, readWaveTenant } from './waves-read';
import { preflightWave, siteSideOf, verifyWave, type ManagedDevice } from './waves';

/** Every managed device in the tenant (the switch is tenant-wide). */
export async function readAllDevices(graph: GraphPort, signal?: AbortSignal): Promise<ManagedDevice[]> {
  const path = '/deviceManagement/managedDevices';
  const items = await graph.listAll<
    ManagedDevice & { deviceName?: string | null; deviceEnrollmentType?: string | null; lastSyncDateTime?: string | null }
  >(path, { query: { $select: DEVICE_SELECT, $top: 999 }, signal });
  const problem = fieldsProblem(items, DEVICE_FIELDS, 'managed device');
  if (problem) throw new GraphMalformedResponseError('GET', `/v1.0${path}`, 200, problem);
  return items.map((d) => ({
    ...d,
    deviceName: d.deviceName ?? d.id,
    userPrincipalName: d.userPrincipalName || null,
    deviceEnrollmentType: d.deviceEnrollmentType ?? 'unknown',
    lastSyncDateTime: d.lastSyncDateTime ?? '',
  }));
}

async function listChecked<T>(
  graph: GraphPort,
  path: string,
  version: 'v1.0' | 'beta',
  fields: Parameters<typeof fieldsProblem>[1],
  what: string,
  signal?: AbortSignal,
): Promise<T[]> {
  const items = await graph.listAll<T>(path, { version, signal });
  const problem = fieldsProblem(items, fields, what);
  if (problem) throw new GraphMalformedResponseError('GET', `/${version}${path}`, 200, problem);
  return items;
}

/** Apple DEP tokens (beta only, §H). */
export async function readDepTokens(graph: GraphPort, signal?: AbortSignal): Promise<DepToken[]> {
  const items = await listChecked<{
    id: string;
    tokenName?: string | null;
    appleIdentifier?: string | null;
    syncedDeviceCount?: number | null;
  }>(
    graph,
    '/deviceManagement/depOnboardingSettings',
    'beta',
    { id: 'string', tokenName: 'string?', appleIdentifier: 'string?' },
    'DEP onboarding setting',
    signal,
  );
  return items.map((t) => ({
    id: t.id,
    tokenName: t.tokenName ?? t.id,
    appleIdentifier: t.appleIdentifier ?? null,
    syncedDeviceCount: typeof t.syncedDeviceCount === 'number' ? t.syncedDeviceCount : 0,
  }));
}

export async function readVppTokens(graph: GraphPort, signal?: AbortSignal): Promise<VppToken[]> {
  const items = await listChecked<{ id: string; organizationName?: string | null; appleId?: string | null; state?: string | null }>(
    graph,
    '/deviceAppManagement/vppTokens',
    'v1.0',
    { id: 'string', organizationName: 'string?', appleId: 'string?', state: 'string?' },
    'VPP token',
    signal,
  );
  return items.map((t) => ({
    id: t.id,
    organizationName: t.organizationName ?? t.id,
    appleId: t.appleId ?? null,
    state: t.state ?? 'unknown',
  }));
}

const PLATFORMS = ['ios', 'android', 'androidForWork', 'macOS', 'windows', 'windowsMobile'];

/** Enrollment restrictions (beta: Android for Work's restriction is beta only, §H). */
export async function readEnrollmentRestrictions(graph: GraphPort, signal?: AbortSignal): Promise<EnrollmentRestriction[]> {
  const items = await listChecked<Record<string, unknown> & { id: string; displayName?: string | null; '@odata.type'?: string }>(
    graph,
    '/deviceManagement/deviceEnrollmentConfigurations',
    'beta',
    { id: 'string', displayName: 'string?' },
    'enrollment configuration',
    signal,
  );
  return items
    .filter((c) => /PlatformRestriction/i.test(String(c['@odata.type'] ?? '')))
    .map((c) => ({
      id: c.id,
      displayName: c.displayName ?? c.id,
      odataType: String(c['@odata.type']),
      blocked: PLATFORMS.filter(
        (p) => (c[`${p}Restriction`] as { platformBlocked?: boolean } | null | undefined)?.platformBlocked === true,
      ),
    }));
}

async function readTenantName(graph: GraphPort, signal?: AbortSignal): Promise<string> {
  const items = await graph.listAll<{ id: string; displayName?: string | null }>('/organization', {
    query: { $select: 'id,displayName' },
    signal,
  });
  return items[0]?.displayName || items[0]?.id || 'the tenant';
}

/** Reads what the preflight needs, fresh from both sides. */
export async function readAuthoritySources(session: MigrationSession, signal?: AbortSignal): Promise<AuthoritySources> {
  const { graph, plan } = session;
  const site = await session.site.read({ signal });
  // The users still in the subscription collection: waves already took theirs out of it.
  const subjects = prepareSubjects(site, { ...plan, waves: [] });
  const admin = plan.authority?.admin;
  const [users, skus, authority, tenantName, devices, dep, vpp, restrictions, terms, adminUsers] = await Promise.all([
    findUsers(
      graph,
      { sids: subjects.flatMap((s) => (s.sid ? [s.sid] : [])), upns: subjects.flatMap((s) => (s.upn ? [s.upn] : [])) },
      signal,
    ),
    readSkus(graph, signal),
    readMdmAuthority(graph, signal),
    readTenantName(graph, signal),
    readAllDevices(graph, signal),
    readDepTokens(graph, signal),
    readVppTokens(graph, signal),
    readEnrollmentRestrictions(graph, signal),
    readTerms(graph, signal),
    admin ? findUsers(graph, { sids: [], upns: [admin] }, signal) : Promise.resolve([]),
  ]);
  const waves = await waveStandings(session, site, signal);
  return {
    siteCode: site.siteCode,
    siteBuild: site.buildNumber,
    authority,
    tenantId: session.tenantId,
    tenantName,
    subjects,
    users,
    skus,
    admin: admin ? { upn: admin, user: adminUsers.find((u) => u.userPrincipalName.toLowerCase() === admin.toLowerCase()) } : undefined,
    waves,
    devices,
    dep,
    vpp,
    restrictions,
    terms: terms.length,
  };
}

/** Each plan wave as phase 3's verification sees it (one site read, one tenant read for all). */
async function waveStandings(
  session: MigrationSession,
  site: Awaited<ReturnType<MigrationSession['site']['read']>>,
  signal?: AbortSignal,
): Promise<WaveStanding[]> {
  const plan = session.plan;
  const waves = plan.waves ?? [];
  if (!waves.length) return [];
  const pre = waves.map((w) => preflightWave({ plan, wave: w.name, siteUsers: site.users, entraUsers: [], devices: [] }));
  const upns = pre.flatMap((p) => p.users.flatMap((u) => (u.upn ? [u.upn] : [])));
  const tenant = await readWaveTenant(session.graph, upns, signal);
  return waves.map((wave, i) => {
    const v = verifyWave({
      wave,
      users: pre[i].users,
      entraUsers: tenant.entraUsers,
      devices: tenant.devices,
      site: siteSideOf(site.collections, plan.subscriptionCollection ?? '', wave, pre[i].users),
    });
    return { name: wave.name, state: v.state, moved: v.moved, expected: v.expected, summary: v.summary };
  });
}

export function authorityEvents(session: Pick<MigrationSession, 'journal'>): AuthorityJournalEntry[] {
  return session.journal.entries.filter((e): e is AuthorityJournalEntry => e.t === 'authority');
}

function record(session: MigrationSession, entry: Omit<AuthorityJournalEntry, 't' | 'at'>): void {
  if (session.readOnly) return;
  session.journal.append({ t: 'authority', at: new Date().toISOString(), ...entry });
}

export interface AuthorityPreflightRead {
  sources: AuthoritySources;
  preflight: AuthorityPreflight;
}

/** Reads both sides and runs the preflight; recorded in the journal with the devices verify will expect. */
export async function runAuthorityPreflight(session: MigrationSession, signal?: AbortSignal): Promise<AuthorityPreflightRead> {
  const sources = await readAuthoritySources(session, signal);
  const preflight = preflightAuthority(sources, session.plan);
  // Only a preflight made before the switch knows which devices should switch.
  if (sources.authority.toLowerCase() === 'sccm')
    record(session, {
      event: 'preflight',
      ok: preflight.ready,
      expected: preflight.switching.length,
      devices: preflight.switching.map((d) => ({ id: d.id, deviceName: d.deviceName, user: d.user })),
      policies: preflight.policies,
    });
  return { sources, preflight };
}

export interface AuthorityGuideRead {
  tenantName: string;
  state: GuideState;
}

/** The checklist where the journal left it (the tenant's name read for the last step). */
export async function readAuthorityGuide(session: MigrationSession, signal?: AbortSignal): Promise<AuthorityGuideRead> {
  const tenantName = await readTenantName(session.graph, signal);
  return { tenantName, state: guideState(authorityEvents(session), { tenantName, admin: session.plan.authority?.admin }) };
}

/**
 * Marks one step done (in order; the first after a passed preflight, the last with the tenant's
 * name typed). Throws a UserError saying why when it can't; confirming a done step again is a no-op.
 */
export function confirmAuthorityStep(
  session: MigrationSession,
  guide: AuthorityGuideRead,
  stepId: string,
  typedTenantName?: string,
): GuideState {
  const events = authorityEvents(session);
  const problem = confirmProblem(guide.state, stepId, {
    tenantName: guide.tenantName,
    typedTenantName,
    preflightOk: lastPreflight(events)?.ok === true,
  });
  if (problem) throw new UserError(`Step not marked done: ${problem}`, 1);
  if (session.readOnly) throw new UserError('This session is read-only: the checklist cannot be changed.', 2);
  if (!guide.state.steps.find((s) => s.id === stepId)!.done) record(session, { event: 'step', step: stepId });
  return guideState(authorityEvents(session), { tenantName: guide.tenantName, admin: session.plan.authority?.admin });
}

/** The tenant now against what the last preflight expected. */
export async function readAuthorityVerification(session: MigrationSession, signal?: AbortSignal): Promise<AuthorityVerification> {
  const { graph } = session;
  const [authority, devices, dep, vpp, restrictions, terms] = await Promise.all([
    readMdmAuthority(graph, signal),
    readAllDevices(graph, signal),
    readDepTokens(graph, signal),
    readVppTokens(graph, signal),
    readEnrollmentRestrictions(graph, signal),
    readTerms(graph, signal),
  ]);
  const before = lastPreflight(authorityEvents(session));
  const policiesNow: TenantPolicyCounts = { terms: terms.length, restrictions: restrictions.length, dep: dep.length, vpp: vpp.length };
  return verifyAuthority({ authority, devices, expected: before?.devices, policiesBefore: before?.policies, policiesNow });
}

export function recordAuthorityVerification(session: MigrationSession, v: AuthorityVerification): void {
  record(session, { event: 'verify', ok: v.state === 'verified', switched: v.switched, expected: v.expected });
}
