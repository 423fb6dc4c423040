// Phase 4, change the tenant's MDM authority (docs/authority.md, domain.md §B.3): a preflight, a
// guided switch the admin makes in the ConfigMgr console, and verification. The product never
// calls an API to switch: the only supported path is the console's subscription delete wizard,
// whose other option deletes the subscription's content. Everything here is plain data in, data
// out (authority-read.ts reads the site, the tenant and the journal), so the CLI, VS Code and the
// tests share it.
import type { JournalEntry } from '../ledger/journal';
import type { MigrationPlan } from '../plan/types';
import type { TenantSku, TenantUserLicence } from '../tenant/readiness';
import { hasIntunePlan } from '../tenant/readiness';
import { licenceCheck, type CheckState, type PrepareSubject } from './prepare';
import type { Step } from './steps';
import { followOf, isManagedByIntune, type ManagedDevice, type WaveStateName } from './waves';

/** ConfigMgr 1610 (5.00.8458): the first build whose delete wizard offers the authority change. */
export const MIN_SITE_BUILD = 8458;
/** ConfigMgr 1910 (8913): hybrid MDM is gone from the product; a subscription can't still be there. */
export const NO_HYBRID_BUILD = 8913;
/** The one option to choose in the wizard, word for word. */
export const CHANGE_OPTION = 'Change MDM Authority to Microsoft Intune';
/** The option that deletes the subscription's content, word for word. */
export const REMOVE_OPTION = 'Remove Microsoft Intune Subscription from Configuration Manager';
/** Where the wizard is, in the ConfigMgr console. */
export const CONSOLE_NODE = 'Administration > Overview > Cloud Services > Microsoft Intune Subscriptions';

/** Said wherever the wizard is named: the guide, the docs, the VS Code webview. */
export const REMOVE_WARNING = [
  `DO NOT CHOOSE "${REMOVE_OPTION}".`,
  "That option DELETES the subscription's content: every user enrollment, policy and app deployment; the hybrid devices are unenrolled. It cannot be undone.",
  `Choose ONLY "${CHANGE_OPTION}".`,
];

// ---------------------------------------------------------------------------------------------
// Preflight

export type AuthorityCheckId =
  | 'site-version'
  | 'tenant-authority'
  | 'licences'
  | 'admin'
  | 'waves'
  | 'devices-not-migrating'
  | 'dep'
  | 'vpp'
  | 'enrollment-restrictions'
  | 'dem'
  | 'devices-switching';

export interface AuthorityCheck {
  id: AuthorityCheckId;
  title: string;
  state: CheckState;
  /** One line: what was found. */
  summary: string;
  /** Counts and names, one fact a line. */
  evidence: string[];
  /** What the admin does, and whether before or after the switch. */
  instructions?: string;
}

/** A managed device as phase 4 names it. */
export interface AuthorityDevice {
  id: string;
  deviceName: string;
  user: string | null;
  enrollment: string;
  /** Why it won't migrate (devices that won't). */
  reason?: string;
}

export interface DepToken {
  id: string;
  tokenName: string;
  appleIdentifier: string | null;
  syncedDeviceCount: number;
}

export interface VppToken {
  id: string;
  organizationName: string;
  appleId: string | null;
  state: string;
}

export interface EnrollmentRestriction {
  id: string;
  displayName: string;
  odataType: string;
  /** Platforms the restriction blocks (`android`, `androidForWork`, …). */
  blocked: string[];
}

/** Where each plan wave stands, as phase 3 verifies it. */
export interface WaveStanding {
  name: string;
  state: WaveStateName;
  moved: number;
  expected: number;
  summary: string;
}

/** Counts of the tenant-level objects that move with the switch; verify compares them after. */
export interface TenantPolicyCounts {
  terms: number;
  restrictions: number;
  dep: number;
  vpp: number;
}

export interface AuthoritySources {
  siteCode: string;
  /** `v_Site.BuildNumber`; undefined when the site did not say. */
  siteBuild: number | undefined;
  authority: string;
  tenantId: string;
  /** The organisation's display name: what the admin types before the last step. */
  tenantName: string;
  /** The users still in the subscription collection, with their licences (phase 2's check). */
  subjects: PrepareSubject[];
  users: TenantUserLicence[];
  skus: TenantSku[];
  /** The plan's `authority.admin` and the Entra ID user it names (undefined: not found). */
  admin?: { upn: string; user?: TenantUserLicence };
  waves: WaveStanding[];
  /** Every managed device in the tenant. */
  devices: ManagedDevice[];
  dep: DepToken[];
  vpp: VppToken[];
  restrictions: EnrollmentRestriction[];
  terms: number;
}

export interface AuthorityPreflight {
  checks: AuthorityCheck[];
  blocking: number;
  ready: boolean;
  /** Hybrid devices that will switch with the tenant: the number verify expects. */
  switching: AuthorityDevice[];
  /** Hybrid devices that won't (no user, DEP or bulk without a user, DEM), with why. */
  notMigrating: AuthorityDevice[];
  policies: TenantPolicyCounts;
}

const FIRST = 8;
const firstNames = (names: string[]) =>
  names.slice(0, FIRST).join(', ') + (names.length > FIRST ? `, … (${names.length - FIRST} more)` : '');
const lower = (s: string) => s.toLowerCase();

/** A device under ConfigMgr's authority: not one of Intune's own agents. */
export const isHybrid = (d: ManagedDevice) => !isManagedByIntune(d) && d.managementState === 'managed';

const asDevice = (d: ManagedDevice, reason?: string): AuthorityDevice => ({
  id: d.id,
  deviceName: d.deviceName,
  user: d.userPrincipalName || null,
  enrollment: d.deviceEnrollmentType,
  ...(reason ? { reason } : {}),
});

const NOT_MIGRATING: Record<'dem' | 'noAffinity', string> = {
  dem: 'enrolled by a device enrollment manager: not migrated by the switch; re-enroll it in Intune after',
  noAffinity:
    'no user (DEP or bulk enrollment without a user): not migrated by the switch; re-enroll it in Intune, or call Microsoft support',
};

/** The hybrid devices that will and won't switch with the tenant. */
export function devicesAtSwitch(devices: ManagedDevice[]): { switching: AuthorityDevice[]; notMigrating: AuthorityDevice[] } {
  const switching: AuthorityDevice[] = [];
  const notMigrating: AuthorityDevice[] = [];
  for (const d of devices.filter(isHybrid)) {
    const follow = followOf(d);
    if (follow === 'follows') switching.push(asDevice(d));
    else notMigrating.push(asDevice(d, NOT_MIGRATING[follow]));
  }
  return { switching, notMigrating };
}

const check = (
  id: AuthorityCheckId,
  title: string,
  state: CheckState,
  summary: string,
  evidence: string[] = [],
  instructions?: string,
): AuthorityCheck => ({ id, title, state, summary, evidence, ...(instructions ? { instructions } : {}) });

/** The preflight over what was read: a pure function (no request, no clock). */
export function preflightAuthority(s: AuthoritySources, plan: MigrationPlan): AuthorityPreflight {
  const { switching, notMigrating } = devicesAtSwitch(s.devices);
  const checks = [
    siteVersionCheck(s),
    tenantAuthorityCheck(s),
    licencesCheck(s, plan),
    adminCheck(s),
    wavesCheck(s, plan),
    notMigratingCheck(notMigrating),
    depCheck(s),
    vppCheck(s),
    restrictionsCheck(s),
    demCheck(s),
    switchingCheck(switching),
  ];
  const blocking = checks.filter((c) => c.state === 'blocking').length;
  return {
    checks,
    blocking,
    ready: blocking === 0,
    switching,
    notMigrating,
    policies: { terms: s.terms, restrictions: s.restrictions.length, dep: s.dep.length, vpp: s.vpp.length },
  };
}

function siteVersionCheck(s: AuthoritySources): AuthorityCheck {
  const title = 'Site version';
  const evidence = [`site ${s.siteCode}: v_Site.BuildNumber ${s.siteBuild ?? '(none)'}`];
  if (s.siteBuild === undefined)
    return check(
      'site-version',
      title,
      'blocking',
      `the site database does not say its build (no v_Site row for ${s.siteCode})`,
      evidence,
      'Check that the plan names the primary site (site.siteCode) and its database: the authority change needs ConfigMgr 1610 (build 8458) or later.',
    );
  if (s.siteBuild < MIN_SITE_BUILD)
    return check(
      'site-version',
      title,
      'blocking',
      `build ${s.siteBuild} is older than 1610 (${MIN_SITE_BUILD}): its delete wizard has no authority change`,
      evidence,
      'Update the site to ConfigMgr 1610 or later before the switch.',
    );
  if (s.siteBuild >= NO_HYBRID_BUILD)
    return check(
      'site-version',
      title,
      'warning',
      `build ${s.siteBuild} is 1910 or later: hybrid MDM is gone from ConfigMgr, the subscription should be too`,
      evidence,
    );
  return check('site-version', title, 'ok', `build ${s.siteBuild}: 1610 or later`, evidence);
}

function tenantAuthorityCheck(s: AuthoritySources): AuthorityCheck {
  const title = 'Tenant MDM authority';
  const evidence = [`tenant ${s.tenantName} (${s.tenantId}): mobileDeviceManagementAuthority ${s.authority}`];
  if (lower(s.authority) === 'sccm')
    return check('tenant-authority', title, 'ok', 'Configuration Manager (hybrid): the switch is still to make', evidence);
  if (lower(s.authority) === 'intune')
    return check(
      'tenant-authority',
      title,
      'blocking',
      'already Microsoft Intune: the switch was made',
      evidence,
      'Run `cm2intune authority verify`.',
    );
  return check(
    'tenant-authority',
    title,
    'blocking',
    `"${s.authority}", not Configuration Manager: there is no hybrid subscription to switch`,
    evidence,
    'Check that the plan names the right tenant. "unknown" after hybrid MDM can mean the subscription was removed: run `cm2intune authority verify`.',
  );
}

function licencesCheck(s: AuthoritySources, plan: MigrationPlan): AuthorityCheck {
  // Phase 2's check, on the users still in the subscription collection; its fixes are phase 2's too.
  const steps: Step[] = [];
  const c = licenceCheck(s, plan, steps);
  const fix = steps.length ? ` \`cm2intune prepare --fix\` can assign a licence to ${steps.length} of them.` : '';
  return check(
    'licences',
    'Remaining users licensed',
    c.state,
    c.summary,
    c.evidence,
    c.instructions ? c.instructions.replace(/ ?\(--fix\)\.?/, '.') + fix : fix.trim() || undefined,
  );
}

function adminCheck(s: AuthoritySources): AuthorityCheck {
  const title = 'Admin licensed';
  if (!s.admin)
    return check(
      'admin',
      title,
      'blocking',
      'the plan names no admin for the switch',
      [],
      'Put the UPN of the admin who will sign in to the wizard under "authority": {"admin": …} in the plan; they need an Intune licence.',
    );
  const { upn, user } = s.admin;
  if (!user)
    return check(
      'admin',
      title,
      'blocking',
      `${upn} is not in Entra ID`,
      [`authority.admin: ${upn}`],
      'Name an admin of this tenant in authority.admin.',
    );
  if (!hasIntunePlan(user))
    return check(
      'admin',
      title,
      'blocking',
      `${upn} holds no enabled Intune service plan`,
      [`authority.admin: ${upn}`],
      `Assign ${upn} a licence with Intune (INTUNE_A): the wizard's sign-in needs a licensed admin.`,
    );
  return check('admin', title, 'ok', `${upn} holds an enabled Intune service plan`, [`authority.admin: ${upn}`]);
}

function wavesCheck(s: AuthoritySources, plan: MigrationPlan): AuthorityCheck {
  const title = 'Waves';
  const skipped = new Set((plan.authority?.skipWaves ?? []).map(lower));
  const open = s.waves.filter((w) => w.state !== 'verified' && !skipped.has(lower(w.name)));
  const evidence = s.waves.map(
    (w) =>
      `wave "${w.name}": ${w.state === 'verified' ? 'verified' : skipped.has(lower(w.name)) ? `skipped in the plan (${w.state})` : w.summary}`,
  );
  if (!s.waves.length) return check('waves', title, 'ok', 'the plan has no waves: every user moves with the switch', evidence);
  if (open.length)
    return check(
      'waves',
      title,
      'blocking',
      `${open.length} of ${s.waves.length} wave(s) neither verified nor skipped: ${firstNames(open.map((w) => `"${w.name}"`))}`,
      evidence,
      'Finish each wave (`cm2intune wave verify --plan <p> --wave <name>`), or list it under "authority": {"skipWaves": […]} in the plan to let its users move with the switch.',
    );
  return check('waves', title, 'ok', `${s.waves.length} wave(s) verified or skipped`, evidence);
}

function notMigratingCheck(devices: AuthorityDevice[]): AuthorityCheck {
  const title = "Devices that won't migrate";
  if (!devices.length) return check('devices-not-migrating', title, 'ok', 'every hybrid device has a user and will switch');
  return check(
    'devices-not-migrating',
    title,
    'warning',
    `${devices.length} hybrid device(s) won't switch with the tenant`,
    devices
      .slice(0, 50)
      .map((d) => `${d.deviceName} (${d.user ?? 'no user'}, ${d.enrollment}): ${d.reason}`)
      .concat(devices.length > 50 ? [`… ${devices.length - 50} more (--json lists all)`] : []),
    'After the switch: re-enroll them in Intune (DEP devices through an Intune enrollment profile), or open a support case with Microsoft.',
  );
}

function depCheck(s: AuthoritySources): AuthorityCheck {
  const title = 'Apple DEP';
  if (!s.dep.length) return check('dep', title, 'ok', 'no Apple DEP token in the tenant');
  return check(
    'dep',
    title,
    'warning',
    `${s.dep.length} DEP token(s), ${s.dep.reduce((n, t) => n + t.syncedDeviceCount, 0)} device record(s)`,
    s.dep.map((t) => `"${t.tokenName}" (${t.appleIdentifier ?? 'no Apple ID'}): ${t.syncedDeviceCount} device(s)`),
    'Before: delete the Apple DEP device records in ConfigMgr (they stay there and cannot be removed after the switch; or run on the site database `Delete from MDMCorpOwnedDevices where DeviceType=8 and DiscoverySources=4`). After: the token moves to Intune within 24 hours; call support if it does not.',
  );
}

function vppCheck(s: AuthoritySources): AuthorityCheck {
  const title = 'Apple VPP';
  if (!s.vpp.length) return check('vpp', title, 'ok', 'no Apple VPP token in the tenant');
  return check(
    'vpp',
    title,
    'warning',
    `${s.vpp.length} VPP token(s): not removed from ConfigMgr by the switch`,
    s.vpp.map((t) => `"${t.organizationName}" (${t.appleId ?? 'no Apple ID'}): ${t.state}`),
    'After: delete the VPP token in ConfigMgr, then upload it in Intune (Tenant administration > Connectors and tokens > Apple VPP tokens) and sync its licences.',
  );
}

function restrictionsCheck(s: AuthoritySources): AuthorityCheck {
  const title = 'Enrollment restrictions';
  const blocking = s.restrictions.filter((r) => r.blocked.length);
  const evidence = s.restrictions.map(
    (r) => `"${r.displayName}": ${r.blocked.length ? `blocks ${r.blocked.join(', ')}` : 'blocks no platform'}`,
  );
  if (!s.restrictions.length) return check('enrollment-restrictions', title, 'ok', 'no enrollment restriction in the tenant');
  const android = blocking.filter((r) => r.blocked.includes('androidForWork'));
  return check(
    'enrollment-restrictions',
    title,
    blocking.length ? 'warning' : 'ok',
    blocking.length
      ? `${blocking.length} restriction(s) block a platform${android.length ? ', Android for Work among them' : ''}`
      : `${s.restrictions.length} restriction(s), none blocks a platform`,
    evidence,
    blocking.length
      ? 'After: check the restrictions in Intune (Devices > Enrollment restrictions); Android for Work may show "Blocked" after the switch: set it to Allow if Android devices enroll.'
      : undefined,
  );
}

function demCheck(s: AuthoritySources): AuthorityCheck {
  const title = 'Device enrollment managers';
  // Graph has no resource for DEM accounts (§H): they are known by the devices they enrolled.
  const dems = new Map<string, number>();
  for (const d of s.devices)
    if (d.deviceEnrollmentType === 'deviceEnrollmentManager')
      dems.set(d.userPrincipalName || '(no user)', (dems.get(d.userPrincipalName || '(no user)') ?? 0) + 1);
  if (!dems.size) return check('dem', title, 'ok', 'no device enrolled by a device enrollment manager');
  return check(
    'dem',
    title,
    'warning',
    `${dems.size} device enrollment manager(s) with ${[...dems.values()].reduce((a, b) => a + b, 0)} device(s)`,
    [...dems].map(([upn, n]) => `${upn}: ${n} device(s)`),
    'After: add them again as device enrollment managers in Intune (Devices > Enrollment > Device enrollment managers); their devices do not migrate: re-enroll them.',
  );
}

function switchingCheck(devices: AuthorityDevice[]): AuthorityCheck {
  return check(
    'devices-switching',
    'Devices that will switch',
    'ok',
    `${devices.length} hybrid device(s) will switch to Intune as they check in (within about 8 hours)`,
    devices.length ? [`${firstNames(devices.map((d) => d.deviceName))}`] : [],
  );
}

// ---------------------------------------------------------------------------------------------
// The guide: a checklist kept in the journal

export type GuideStepId = 'preflight' | 'before-switch' | 'open-wizard' | 'choose-change' | 'sign-in-finish';

export interface GuideStep {
  id: GuideStepId;
  title: string;
  /** What to do, one instruction a line. */
  detail: string[];
  /** Said with the step, in capitals where it matters. */
  warning?: string[];
  /** The admin types the tenant's name before this step is marked done. */
  confirmTenantName?: boolean;
}

export function guideSteps(context: { tenantName: string; admin?: string }): GuideStep[] {
  return [
    {
      id: 'preflight',
      title: 'The preflight passes',
      detail: [
        'Run `cm2intune authority preflight --plan <p>`: nothing may block. This step is marked done only after a preflight that passed.',
      ],
    },
    {
      id: 'before-switch',
      title: 'Done what must happen before the switch',
      detail: [
        'Delete the Apple DEP device records in ConfigMgr (they cannot be removed after the switch).',
        'Note the device enrollment managers, the VPP tokens and the enrollment restrictions the preflight listed: they need attention after.',
      ],
    },
    {
      id: 'open-wizard',
      title: "Open the subscription's delete wizard",
      detail: [
        `In the ConfigMgr console: ${CONSOLE_NODE}.`,
        'Select the Microsoft Intune subscription, then Delete on the Home tab. The wizard that opens is where the authority changes: you will NOT delete anything.',
      ],
      warning: [`The wizard offers two options. Only "${CHANGE_OPTION}" is right.`],
    },
    {
      id: 'choose-change',
      title: `Choose "${CHANGE_OPTION}"`,
      detail: [`On the wizard's first page, select "${CHANGE_OPTION}", then Next.`],
      warning: REMOVE_WARNING,
    },
    {
      id: 'sign-in-finish',
      title: `Sign in to ${context.tenantName} and finish`,
      detail: [
        `Sign in with ${context.admin ?? 'the licensed admin'}, to the same tenant the subscription used (${context.tenantName}), and finish the wizard. The subscription disappears from the node.`,
        'Then run `cm2intune authority verify --plan <p> --watch`: devices switch as they check in, within about 8 hours.',
      ],
      warning: ['This is the switch, and it is one-way: there is no way back to hybrid MDM.'],
      confirmTenantName: true,
    },
  ];
}

/** The journal's record of phase 4 (ledger/journal.ts). */
export type AuthorityJournalEntry = Extract<JournalEntry, { t: 'authority' }>;

export interface GuideState {
  steps: (GuideStep & { done: boolean; at?: string })[];
  /** The first step not done; undefined when all are. */
  next?: GuideStep;
  done: boolean;
}

/** The checklist as the journal has it: a reopened guide resumes at the first step not done. */
export function guideState(events: readonly AuthorityJournalEntry[], context: { tenantName: string; admin?: string }): GuideState {
  const doneAt = new Map<string, string>();
  for (const e of events) if (e.event === 'step' && e.step && !doneAt.has(e.step)) doneAt.set(e.step, e.at);
  const steps = guideSteps(context).map((s) => ({ ...s, done: doneAt.has(s.id), at: doneAt.get(s.id) }));
  const next = steps.find((s) => !s.done);
  return { steps, next, done: !next };
}

/** The last preflight the journal remembers (undefined: none yet). */
export const lastPreflight = (events: readonly AuthorityJournalEntry[]) => [...events].reverse().find((e) => e.event === 'preflight');

/**
 * Why a step can't be marked done now (undefined: it can): steps go in order, the first needs a
 * passed preflight, the last the tenant's name typed as it is.
 */
export function confirmProblem(
  state: GuideState,
  stepId: string,
  options: { typedTenantName?: string; tenantName: string; preflightOk: boolean },
): string | undefined {
  const step = state.steps.find((s) => s.id === stepId);
  if (!step) return `there is no step "${stepId}": the steps are ${state.steps.map((s) => s.id).join(', ')}.`;
  if (step.done) return undefined;
  if (state.next && state.next.id !== step.id)
    return `step "${step.id}" comes later: the next step is "${state.next.id}" (${state.next.title}).`;
  if (step.id === 'preflight' && !options.preflightOk)
    return 'the last preflight did not pass (or none was run): run `cm2intune authority preflight` until nothing blocks.';
  if (step.confirmTenantName) {
    if (options.typedTenantName === undefined)
      return `before the last step, type the tenant's name: --tenant-name "${options.tenantName}" (as the tenant names itself).`;
    if (options.typedTenantName.trim().toLowerCase() !== options.tenantName.toLowerCase())
      return `"${options.typedTenantName}" is not this tenant's name ("${options.tenantName}"): the step stays open.`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Verify

export type AuthorityStateName = 'removed' | 'notSwitched' | 'switching' | 'verified';

export interface DeviceSwitch {
  id: string;
  deviceName: string;
  user: string | null;
  state: 'switched' | 'waiting' | 'gone';
  reason?: string;
}

export interface PolicyPresence {
  kind: keyof TenantPolicyCounts;
  label: string;
  before: number | null;
  now: number;
  ok: boolean;
  note?: string;
}

export interface AuthorityVerification {
  state: AuthorityStateName;
  authority: string;
  expected: number;
  switched: number;
  devices: DeviceSwitch[];
  policies: PolicyPresence[];
  /** The first line: loud when the subscription was removed instead of switched. */
  headline: string;
}

export interface VerifyAuthorityInput {
  authority: string;
  /** Every managed device in the tenant now. */
  devices: ManagedDevice[];
  /** The devices the preflight expected to switch; undefined: no preflight recorded (hybrid devices now are counted). */
  expected?: { id: string; deviceName: string; user: string | null }[];
  policiesBefore?: TenantPolicyCounts;
  policiesNow: TenantPolicyCounts;
}

const POLICY_LABELS: Record<keyof TenantPolicyCounts, string> = {
  terms: 'terms and conditions',
  restrictions: 'enrollment restrictions',
  dep: 'Apple DEP tokens',
  vpp: 'Apple VPP tokens',
};

export function verifyAuthority(input: VerifyAuthorityInput): AuthorityVerification {
  const byId = new Map(input.devices.map((d) => [d.id, d]));
  const expected =
    input.expected ??
    devicesAtSwitch(input.devices).switching.concat(
      input.devices.filter((d) => isManagedByIntune(d) && followOf(d) === 'follows').map((d) => asDevice(d)),
    );
  const devices: DeviceSwitch[] = expected.map((e) => {
    const d = byId.get(e.id);
    const base = { id: e.id, deviceName: e.deviceName, user: e.user };
    if (!d) return { ...base, state: 'gone', reason: 'no longer in the tenant: unenrolled' };
    if (isManagedByIntune(d)) return { ...base, state: 'switched' };
    return {
      ...base,
      state: 'waiting',
      reason:
        lower(input.authority) === 'intune'
          ? `not checked in since the switch (last sync ${d.lastSyncDateTime || 'unknown'}): it switches when it next connects`
          : 'the tenant has not switched',
    };
  });
  const switched = devices.filter((d) => d.state === 'switched').length;
  const gone = devices.filter((d) => d.state === 'gone');
  const authority = lower(input.authority);
  const policies: PolicyPresence[] = (Object.keys(POLICY_LABELS) as (keyof TenantPolicyCounts)[]).map((kind) => {
    const before = input.policiesBefore?.[kind] ?? null;
    const now = input.policiesNow[kind];
    const ok = before === null || now >= before || kind === 'dep';
    const note =
      kind === 'dep' && before !== null && now < before
        ? 'the DEP token moves within 24 hours of the switch; call support if it does not'
        : undefined;
    return { kind, label: POLICY_LABELS[kind], before, now, ok, ...(note ? { note } : {}) };
  });
  const removed =
    authority !== 'intune' && authority !== 'sccm'
      ? true
      : authority !== 'intune' && expected.length > 0 && gone.length === expected.length;
  const state: AuthorityStateName = removed
    ? 'removed'
    : authority !== 'intune'
      ? 'notSwitched'
      : switched === expected.length && policies.every((p) => p.ok)
        ? 'verified'
        : 'switching';
  const headline =
    state === 'removed'
      ? `!!! THE INTUNE SUBSCRIPTION WAS REMOVED, NOT SWITCHED: the MDM authority is "${input.authority}" and ${gone.length} of ${expected.length} device(s) were unenrolled. "${REMOVE_OPTION}" was chosen in the wizard: the content is gone. Devices must be enrolled again in Intune (set the MDM authority to Intune first).`
      : state === 'notSwitched'
        ? `The MDM authority is still "${input.authority}": the switch has not been made (cm2intune authority guide).`
        : state === 'verified'
          ? `Verified: the MDM authority is Intune and ${switched} of ${expected.length} device(s) switched.`
          : `Switching: the MDM authority is Intune; ${switched} of ${expected.length} device(s) switched so far (devices check in within about 8 hours).`;
  return { state, authority: input.authority, expected: expected.length, switched, devices, policies, headline };
}

// ---------------------------------------------------------------------------------------------
// Text for the CLI and the output channel

const MARKS: Record<CheckState, string> = { ok: 'ok', warning: 'warning', blocking: 'BLOCKING' };

export function authorityPreflightToText(p: AuthorityPreflight, context: { tenant: string; plan: string }): string {
  const lines = [`Phase 4 preflight: can ${context.tenant} switch its MDM authority to Intune? (${context.plan})`, ''];
  for (const c of p.checks) {
    lines.push(`${MARKS[c.state].padEnd(9)} ${c.title}: ${c.summary}`);
    for (const e of c.evidence) lines.push(`          - ${e}`);
    if (c.instructions && c.state !== 'ok') lines.push(`          To do: ${c.instructions}`);
  }
  lines.push(
    '',
    p.ready ? `Ready: nothing blocks the switch; ${p.switching.length} device(s) will switch.` : `${p.blocking} check(s) block the switch.`,
  );
  return lines.join('\n') + '\n';
}

export function guideToText(state: GuideState, context: { tenantName: string }): string {
  const lines = [
    `Phase 4, the switch, step by step (the product never switches the tenant itself: you do, in the ConfigMgr console). Tenant: ${context.tenantName}`,
    '',
  ];
  const bar = '!'.repeat(78);
  for (const [i, s] of state.steps.entries()) {
    lines.push(
      `[${s.done ? 'x' : ' '}] ${i + 1}. ${s.title} (${s.id})${s.done ? `, done ${s.at}` : state.next?.id === s.id ? '  <- next' : ''}`,
    );
    for (const d of s.detail) lines.push(`       ${d}`);
    if (s.warning && !s.done) {
      if (s.id === 'choose-change') {
        lines.push(`       ${bar}`);
        for (const w of s.warning) lines.push(`       !! ${w}`);
        lines.push(`       ${bar}`);
      } else for (const w of s.warning) lines.push(`       ${w}`);
    }
  }
  lines.push('', state.done ? 'Every step is done: run `cm2intune authority verify --watch`.' : `Next: ${state.next!.title}.`);
  return lines.join('\n') + '\n';
}

export function authorityVerificationToText(v: AuthorityVerification): string {
  const lines = [v.headline];
  for (const d of v.devices)
    if (d.state !== 'switched')
      lines.push(`  ${d.state === 'gone' ? 'GONE' : 'not switched'}: ${d.deviceName} (${d.user ?? 'no user'}): ${d.reason}`);
  lines.push('Tenant-level policies in Intune:');
  for (const p of v.policies)
    lines.push(
      `  ${p.ok ? 'ok     ' : 'MISSING'} ${p.label}: ${p.now}${p.before === null ? '' : ` (${p.before} before the switch)`}${p.note ? `: ${p.note}` : ''}`,
    );
  return lines.join('\n') + '\n';
}
