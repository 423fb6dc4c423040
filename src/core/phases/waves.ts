// Phase 3, move users in waves (docs/waves.md): per wave of the plan, a preflight, the runbook the
// admin runs on the site server (ConfigurationManager module, hybrid era: 1906 and older), and
// verification on both sides. The product never changes the site itself (domain.md §F.1): the
// runbook is text. Everything here is plain data in, data out; reading the site and Graph is the
// caller's (the faces), so the same functions serve the CLI, VS Code and the tests.
import { UserError } from '../errors';
import { waveCollectionName } from '../plan/waves';
import type { Collection, User } from '../site/model';
import { hasIntunePlan as holdsIntune } from '../tenant/readiness';

/** All Users: a default collection, which takes no exclude rules (domain.md §B.2). */
export const ALL_USERS = 'SMS00002';
/** The collection the All Users replacement procedure creates (same members as All Users). */
export const REPLACEMENT_COLLECTION = 'cm2intune Intune hybrid users';

export type PreflightCheckId = 'resolved-site' | 'resolved-entra' | 'licensed' | 'not-in-earlier-wave' | 'not-dem' | 'groups-ready';

export interface PlanWave {
  name: string;
  users: string[];
  collectionName?: string;
  /** Checks that don't block this wave (the admin looked at them). */
  preflightOverride?: PreflightCheckId[];
  verifyTimeoutMinutes?: number;
}

export const DEFAULT_VERIFY_TIMEOUT_MINUTES = 60;

export { waveCollectionName };

// ---------------------------------------------------------------------------------------------
// Users

export interface WaveUser {
  /** As the plan lists it (UPN or DOMAIN\user). */
  entry: string;
  resourceId: number;
  uniqueName: string;
  upn: string | null;
}

/** A plan entry matches a site user by UPN or DOMAIN\user, case-insensitively. */
export function resolveWaveUsers(wave: PlanWave, users: User[]): { resolved: WaveUser[]; unresolved: string[] } {
  const byKey = new Map<string, User>();
  for (const user of users) {
    byKey.set(user.uniqueName.toLowerCase(), user);
    if (user.upn) byKey.set(user.upn.toLowerCase(), user);
  }
  const resolved: WaveUser[] = [];
  const unresolved: string[] = [];
  for (const entry of wave.users) {
    const user = byKey.get(entry.trim().toLowerCase());
    if (user) resolved.push({ entry, resourceId: user.resourceId, uniqueName: user.uniqueName, upn: user.upn });
    else unresolved.push(entry);
  }
  return { resolved, unresolved };
}

/** The Entra ID user fields phase 3 reads (`$select=id,userPrincipalName,assignedPlans`). */
export interface EntraUser {
  id: string;
  userPrincipalName: string;
  assignedPlans?: { servicePlanId?: string; capabilityStatus?: string }[];
}

/** Licensed for the move: phase 2's one rule (an enabled Intune service plan), over the fields phase 3 reads. */
export function hasIntunePlan(user: EntraUser): boolean {
  return holdsIntune({
    assignedPlans: (user.assignedPlans ?? []).map((p) => ({
      servicePlanId: p.servicePlanId ?? '',
      capabilityStatus: p.capabilityStatus ?? '',
    })),
  });
}

// ---------------------------------------------------------------------------------------------
// Devices (Graph deviceManagement/managedDevices, domain.md §H.3.1)

export interface ManagedDevice {
  id: string;
  deviceName: string;
  userPrincipalName: string | null;
  managementAgent: string;
  managementState: string;
  deviceEnrollmentType: string;
  lastSyncDateTime: string;
}

/** Enrollment types without a user: such a device does not follow anyone (domain.md §B.2). */
const USERLESS_ENROLLMENT = new Set(['appleBulkWithoutUser', 'windowsBulkUserless']);
/** Intune's own agents: `mdm`, `easMdm` (domain.md §H.3.1). */
const INTUNE_AGENTS = new Set(['mdm', 'easMdm']);

export type DeviceFollow = 'follows' | 'dem' | 'noAffinity';

export function followOf(device: ManagedDevice): DeviceFollow {
  if (device.deviceEnrollmentType === 'deviceEnrollmentManager') return 'dem';
  if (!device.userPrincipalName || USERLESS_ENROLLMENT.has(device.deviceEnrollmentType)) return 'noAffinity';
  return 'follows';
}

const FOLLOW_ADVICE: Record<Exclude<DeviceFollow, 'follows'>, string> = {
  dem: 'enrolled by a device enrollment manager: it does not follow its user, nor the MDM authority change (a device without a user is not migrated): re-enroll it in Intune',
  noAffinity:
    'no user affinity: it does not follow a user, nor the MDM authority change (a device without a user is not migrated): re-enroll it in Intune',
};

// ---------------------------------------------------------------------------------------------
// Preflight

export interface PreflightCheck {
  id: PreflightCheckId | 'devices';
  ok: boolean;
  /** Blocking unless the plan overrides it (`preflightOverride`); `devices` only informs. */
  blocking: boolean;
  message: string;
}

export interface PreflightInput {
  plan: { waves?: PlanWave[] };
  wave: string;
  siteUsers: User[];
  entraUsers: EntraUser[];
  /** The tenant's managed devices of the wave's users (and any others: filtered here). */
  devices: ManagedDevice[];
}

export interface Preflight {
  wave: string;
  ok: boolean;
  users: WaveUser[];
  checks: PreflightCheck[];
  /** Devices that won't follow their user, with what to do. */
  wontFollow: { device: ManagedDevice; why: DeviceFollow; advice: string }[];
}

export function findWave(plan: { waves?: PlanWave[] }, name: string): { wave: PlanWave; index: number } {
  const waves = plan.waves ?? [];
  const index = waves.findIndex((w) => w.name.trim().toLowerCase() === name.trim().toLowerCase());
  if (index < 0) {
    const known = waves.map((w) => `"${w.name}"`).join(', ') || 'none';
    throw new UserError(`The plan has no wave "${name}" (waves: ${known}). Name one of them, or add it under "waves" in the plan.`);
  }
  return { wave: waves[index], index };
}

export function preflightWave(input: PreflightInput): Preflight {
  const { wave, index } = findWave(input.plan, input.wave);
  const { resolved, unresolved } = resolveWaveUsers(wave, input.siteUsers);
  const entraByUpn = new Map(input.entraUsers.map((u) => [u.userPrincipalName.toLowerCase(), u]));
  const checks: PreflightCheck[] = [];
  const list = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

  checks.push({
    id: 'resolved-site',
    blocking: true,
    ok: unresolved.length === 0,
    message: unresolved.length
      ? `Not on the site (by UPN or DOMAIN\\user): ${list(unresolved)}. Correct the plan's entries.`
      : `${resolved.length} users found on the site.`,
  });

  const entraOf = (u: WaveUser) => (u.upn ? entraByUpn.get(u.upn.toLowerCase()) : undefined);
  const notInEntra = resolved.filter((u) => !entraOf(u));
  checks.push({
    id: 'resolved-entra',
    blocking: true,
    ok: notInEntra.length === 0,
    message: notInEntra.length
      ? `Not in Entra ID (by UPN): ${list(notInEntra.map((u) => u.upn ?? u.uniqueName))}. Sync them (Entra Connect) first.`
      : 'Every user is in Entra ID.',
  });

  const unlicensed = resolved.filter((u) => {
    const e = entraOf(u);
    return e && !hasIntunePlan(e);
  });
  checks.push({
    id: 'licensed',
    blocking: true,
    ok: unlicensed.length === 0,
    message: unlicensed.length
      ? `No enabled Intune plan (INTUNE_A): ${list(unlicensed.map((u) => u.upn!))}. Their devices would stay where they are: license them (phase 2) or take them out of the wave.`
      : 'Every user has an enabled Intune plan.',
  });

  const earlier = new Map<string, string>();
  for (const w of (input.plan.waves ?? []).slice(0, index)) for (const u of w.users) earlier.set(u.trim().toLowerCase(), w.name);
  const repeated = resolved.filter(
    (u) =>
      earlier.has(u.entry.trim().toLowerCase()) || (u.upn && earlier.has(u.upn.toLowerCase())) || earlier.has(u.uniqueName.toLowerCase()),
  );
  checks.push({
    id: 'not-in-earlier-wave',
    blocking: true,
    ok: repeated.length === 0,
    message: repeated.length
      ? `Already in an earlier wave: ${list(repeated.map((u) => u.entry))}. A user moves once: remove them from this wave.`
      : 'No user is in an earlier wave.',
  });

  const waveUpns = new Set(resolved.map((u) => u.upn?.toLowerCase()).filter((x): x is string => !!x));
  const devices = input.devices.filter((d) => d.userPrincipalName && waveUpns.has(d.userPrincipalName.toLowerCase()));
  // A user whose devices were enrolled as DEM is a device enrollment manager (the site's own DEM view is not documented, §H.2).
  const dems = [...new Set(devices.filter((d) => followOf(d) === 'dem').map((d) => d.userPrincipalName!.toLowerCase()))];
  checks.push({
    id: 'not-dem',
    blocking: true,
    ok: dems.length === 0,
    message: dems.length
      ? `Device enrollment managers: ${list(dems)}. Their devices don't follow them: take them out of the wave and re-enroll the devices.`
      : 'No user is a device enrollment manager.',
  });

  const wontFollow = input.devices
    .filter((d) => followOf(d) !== 'follows' && (!d.userPrincipalName || waveUpns.has(d.userPrincipalName.toLowerCase())))
    .filter((d) => d.userPrincipalName) // userless devices are nobody's wave; listed by verification of their own
    .map((device) => {
      const why = followOf(device);
      return { device, why, advice: FOLLOW_ADVICE[why as Exclude<DeviceFollow, 'follows'>] };
    });
  checks.push({
    id: 'devices',
    blocking: false,
    ok: true,
    message: `${devices.length} devices, ${devices.length - wontFollow.length} follow their users${wontFollow.length ? `; ${wontFollow.length} won't: ${wontFollow.map((w) => w.device.deviceName).join(', ')}` : ''}.`,
  });

  const overridden = new Set<string>(wave.preflightOverride ?? []);
  for (const check of checks)
    if (overridden.has(check.id) && !check.ok) {
      check.blocking = false;
      check.message += ' (overridden by the plan: preflightOverride)';
    }
  return { wave: wave.name, ok: checks.every((c) => c.ok || !c.blocking), users: resolved, checks, wontFollow };
}

/**
 * What phase 1 put in Intune reaches the wave's users once they move: every object in Intune
 * deployed in ConfigMgr to a collection one of them is in has its assignments (the groups exist and
 * are assigned). `missing` are those objects, with the collections they lack; none when nothing
 * is in Intune yet (then there is nothing to reach them).
 */
export function groupsReadyCheck(missing: { name: string; collections: string[] }[]): PreflightCheck {
  const names = missing.map((m) => `"${m.name}" (${m.collections.join(', ')})`);
  return {
    id: 'groups-ready',
    blocking: true,
    ok: missing.length === 0,
    message: missing.length
      ? `${missing.length} object(s) in Intune would not reach the wave's users: their groups are missing or not assigned: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}. Run phase 2's fix (cm2intune prepare --fix) or the import again first.`
      : 'The objects in Intune deployed to the wave users’ collections are assigned to their groups.',
  };
}

/** Adds a check to a preflight, as the plan overrides it, and says again whether the wave may go. */
export function withPreflightCheck(preflight: Preflight, check: PreflightCheck, wave: PlanWave): Preflight {
  const added = { ...check };
  if (!added.ok && (wave.preflightOverride ?? []).includes(added.id as PreflightCheckId)) {
    added.blocking = false;
    added.message += ' (overridden by the plan: preflightOverride)';
  }
  const checks = [...preflight.checks.filter((c) => c.id !== 'devices'), added, ...preflight.checks.filter((c) => c.id === 'devices')];
  return { ...preflight, checks, ok: checks.every((c) => c.ok || !c.blocking) };
}

// ---------------------------------------------------------------------------------------------
// Runbooks (docs/sandbox-console.md: the subset the simulated console accepts; a real console
// accepts it too). Idempotent: a check before each change. Their own -DryRun: the hybrid-era
// module's -WhatIf is not reliable. No secrets: ids and names only.

export interface RunbookInput {
  siteCode: string;
  wave: PlanWave;
  /** The plan's `subscriptionCollection`: the runbook stops if the site's subscription is another. */
  subscriptionCollection?: string;
  users: Pick<WaveUser, 'resourceId' | 'uniqueName'>[];
}

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;
/** A name in a comment stays on its line. */
const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ').replace(/#>/g, '# >');

function checkSiteCode(siteCode: string): void {
  if (!/^[A-Za-z0-9]{3}$/.test(siteCode))
    throw new UserError(`"${siteCode}" is not a ConfigMgr site code (three letters or digits): correct site.siteCode in the plan.`);
}

export function waveRunbook(input: RunbookInput): string {
  const { siteCode, wave, users } = input;
  checkSiteCode(siteCode);
  if (!users.length) throw new UserError(`Wave "${wave.name}" has no user found on the site: nothing to put in a runbook.`);
  const collection = waveCollectionName(wave);
  const expected = input.subscriptionCollection ?? '';
  return `#Requires -Version 5.1
<#
  cm2intune, phase 3 (mixed MDM authority): wave ${oneLine(quote(wave.name))} on site ${siteCode}, ${users.length} users.
  Creates the user collection ${oneLine(quote(collection))} with one direct rule per user (by resource id),
  excludes it from the Intune subscription collection and re-evaluates both collections. The wave's
  licensed users are then managed by Intune: their devices follow in about 15 minutes.
  When the subscription uses All Users (which takes no exclude rules), first builds the collection
  '${REPLACEMENT_COLLECTION}' with all users, checks it, and switches the subscription to it.
  Checks before each change: running it again changes nothing. -DryRun only says what it would do.
  Run it on the site server in Windows PowerShell 5.1 with the ConfigMgr console installed.
  Undo: cm2intune wave runbook --undo. This script contains no secrets.
#>
[CmdletBinding()]
param([switch]$DryRun)

$ErrorActionPreference = 'Stop'
$SiteCode = ${quote(siteCode)}
$WaveName = ${quote(collection)}
$ExpectedSubscription = ${quote(expected)}
$ReplacementName = '${REPLACEMENT_COLLECTION}'
$ResourceIds = @(
${users.map((user) => `  ${user.resourceId}  # ${oneLine(user.uniqueName)}`).join('\n')}
)

Import-Module (Join-Path $env:SMS_ADMIN_UI_PATH '..\\ConfigurationManager.psd1')
Push-Location "$($SiteCode):"
Write-Host "cm2intune wave $WaveName on site $SiteCode (dry run: $DryRun)"
Write-Host "ConfigurationManager module $((Get-Module ConfigurationManager).Version), site build $((Get-CMSite).BuildNumber)"
if ((Get-CMSite).BuildNumber -ge 8913) { throw "Site $SiteCode is 1910 or later: the hybrid subscription cmdlets are gone" }

$subscription = Get-CMIntuneSubscription
if ($null -eq $subscription) { throw "Site $SiteCode has no Intune subscription: nothing to migrate" }
$subscriptionId = $subscription.CollectionID
$replacement = Get-CMUserCollection -Name $ReplacementName
$isReplacement = $false
if ($replacement) { $isReplacement = $subscriptionId -eq $replacement.CollectionID }
if ($ExpectedSubscription -and $subscriptionId -ne $ExpectedSubscription -and -not ($ExpectedSubscription -eq 'SMS00002' -and $isReplacement)) {
  throw "The Intune subscription uses $subscriptionId, the plan says $($ExpectedSubscription): correct subscriptionCollection in the plan"
}

if ($subscriptionId -eq 'SMS00002') {
  # All Users can't take exclude rules: a collection with all users replaces it (same members).
  if ($null -eq $replacement) {
    if ($DryRun) {
      Write-Host "[dry run] would create the user collection '$ReplacementName' including All Users"
    } else {
      $replacement = New-CMUserCollection -Name $ReplacementName -LimitingCollectionId 'SMS00002' -RefreshType Periodic -RefreshSchedule (New-CMSchedule -RecurInterval Hours -RecurCount 1)
    }
  }
  if ($replacement) {
    $include = Get-CMUserCollectionIncludeMembershipRule -CollectionId $replacement.CollectionID -IncludeCollectionId 'SMS00002'
    if (-not $include) {
      if ($DryRun) { Write-Host "[dry run] would include All Users in $($replacement.CollectionID)" }
      else {
        Add-CMUserCollectionIncludeMembershipRule -CollectionId $replacement.CollectionID -IncludeCollectionId 'SMS00002'
        Invoke-CMCollectionUpdate -CollectionId $replacement.CollectionID
      }
    }
    $replacement = Get-CMUserCollection -Id $replacement.CollectionID
    $allUsers = Get-CMUserCollection -Id 'SMS00002'
    if (!$DryRun -and $replacement.MemberCount -ne $allUsers.MemberCount) {
      throw "'$ReplacementName' has $($replacement.MemberCount) members, All Users $($allUsers.MemberCount): not switching the subscription"
    }
    if ($DryRun) { Write-Host "[dry run] would switch the Intune subscription to $($replacement.CollectionID)" }
    else { Set-CMIntuneSubscription -UserCollection $replacement }
    $subscriptionId = $replacement.CollectionID
  } else {
    $subscriptionId = $null
  }
}

$wave = Get-CMUserCollection -Name $WaveName
if ($null -eq $wave) {
  if ($DryRun) { Write-Host "[dry run] would create the user collection '$WaveName'" }
  else { $wave = New-CMUserCollection -Name $WaveName -LimitingCollectionId 'SMS00002' -Comment 'cm2intune phase 3 wave' }
}

foreach ($id in $ResourceIds) {
  $user = Get-CMUser -ResourceId $id
  if ($null -eq $user) { throw "User resource $id is not on site $SiteCode" }
  $rule = $null
  if ($wave) { $rule = Get-CMUserCollectionDirectMembershipRule -CollectionId $wave.CollectionID -ResourceId $id }
  if ($rule) {
    Write-Verbose "$($user.Name) is already in the wave"
  } elseif ($DryRun) {
    Write-Host "[dry run] would add $($user.Name) ($id) to '$WaveName'"
  } else {
    Add-CMUserCollectionDirectMembershipRule -CollectionId $wave.CollectionID -ResourceId $id
  }
}

$excluded = $null
if ($wave -and $subscriptionId) {
  $excluded = Get-CMUserCollectionExcludeMembershipRule -CollectionId $subscriptionId -ExcludeCollectionId $wave.CollectionID
}
if ($excluded) {
  Write-Host "'$WaveName' is already excluded from the subscription collection"
} elseif ($DryRun) {
  Write-Host "[dry run] would exclude '$WaveName' from the subscription collection $subscriptionId"
} else {
  Add-CMUserCollectionExcludeMembershipRule -CollectionId $subscriptionId -ExcludeCollectionId $wave.CollectionID
}

if (-not $DryRun) {
  Invoke-CMCollectionUpdate -CollectionId $wave.CollectionID
  Invoke-CMCollectionUpdate -CollectionId $subscriptionId
  $after = Get-CMUserCollection -Id $wave.CollectionID
  Write-Host "'$WaveName' has $($after.MemberCount) members, excluded from $subscriptionId"
}
Pop-Location
`;
}

/** Undoes a wave: the exclude rule and the wave's direct rules go; the (empty) collection stays. */
export function waveUndoRunbook(input: RunbookInput): string {
  const { siteCode, wave, users } = input;
  checkSiteCode(siteCode);
  const collection = waveCollectionName(wave);
  return `#Requires -Version 5.1
<#
  cm2intune, phase 3: UNDO wave ${oneLine(quote(wave.name))} on site ${siteCode}.
  Removes the exclude rule for ${oneLine(quote(collection))} from the Intune subscription collection
  and the wave's direct rules, so the wave's users are in the subscription collection again and
  their devices go back to ConfigMgr's authority. The (empty) collection stays.
  Checks before each change: running it again changes nothing. -DryRun only says what it would do.
  This script contains no secrets.
#>
[CmdletBinding()]
param([switch]$DryRun)

$ErrorActionPreference = 'Stop'
$SiteCode = ${quote(siteCode)}
$WaveName = ${quote(collection)}
$ResourceIds = @(${users.map((user) => user.resourceId).join(', ')})

Import-Module (Join-Path $env:SMS_ADMIN_UI_PATH '..\\ConfigurationManager.psd1')
Push-Location "$($SiteCode):"
Write-Host "cm2intune undo wave $WaveName on site $SiteCode (dry run: $DryRun)"

$wave = Get-CMUserCollection -Name $WaveName
if (-not $wave) { Write-Warning "'$WaveName' does not exist: nothing to undo"; Pop-Location; return }
$subscription = Get-CMIntuneSubscription
if ($null -eq $subscription) { throw "Site $SiteCode has no Intune subscription: nothing to undo" }
$subscriptionId = $subscription.CollectionID

$excluded = Get-CMUserCollectionExcludeMembershipRule -CollectionId $subscriptionId -ExcludeCollectionId $wave.CollectionID
if ($excluded) {
  if ($DryRun) { Write-Host "[dry run] would remove the exclude rule for $($wave.CollectionID) from $subscriptionId" }
  else { Remove-CMUserCollectionExcludeMembershipRule -CollectionId $subscriptionId -ExcludeCollectionId $wave.CollectionID -Force }
}
$rules = @(Get-CMUserCollectionDirectMembershipRule -CollectionId $wave.CollectionID)
foreach ($id in $ResourceIds) {
  if ($rules.ResourceID -contains $id) {
    if ($DryRun) { Write-Host "[dry run] would remove resource $id from '$WaveName'" }
    else { Remove-CMUserCollectionDirectMembershipRule -CollectionId $wave.CollectionID -ResourceId $id -Force }
  }
}
if (!$DryRun) {
  Invoke-CMCollectionUpdate -CollectionId $wave.CollectionID
  Invoke-CMCollectionUpdate -CollectionId $subscriptionId
}
Pop-Location
`;
}

// ---------------------------------------------------------------------------------------------
// Verification, both sides

export interface SiteSide {
  /** The subscription collection the change was made on (the replacement after the All Users procedure). */
  subscriptionCollectionId: string;
  waveCollectionId: string | null;
  /** When the wave collection's rules last changed (`v_Collection.LastChangeTime`): devices moved by the wave synced after it. */
  changedAt?: string;
  excludeRule: boolean;
  /** Wave users still in the subscription collection's effective membership. */
  stillInSubscription: number[];
  applied: boolean;
}

/**
 * The site side from the site's collections (rules and `v_FullCollectionMembership`).
 * `subscriptionCollection` is the plan's; with All Users the replacement collection is looked for.
 */
export function siteSideOf(
  collections: Collection[],
  subscriptionCollection: string,
  wave: PlanWave,
  users: Pick<WaveUser, 'resourceId'>[],
): SiteSide {
  const byName = (name: string) => collections.find((c) => c.type === 'user' && c.name.toLowerCase() === name.toLowerCase());
  const subscription =
    subscriptionCollection === ALL_USERS
      ? (byName(REPLACEMENT_COLLECTION) ?? collections.find((c) => c.id === ALL_USERS))
      : collections.find((c) => c.id === subscriptionCollection);
  if (!subscription)
    throw new UserError(
      `The subscription collection ${subscriptionCollection} is not on the site: correct subscriptionCollection in the plan.`,
    );
  const waveCollection = byName(waveCollectionName(wave)) ?? null;
  const excludeRule = !!waveCollection && subscription.rules.some((r) => r.kind === 'exclude' && r.collectionId === waveCollection.id);
  const members = new Set(subscription.memberResourceIds);
  const stillInSubscription = users.map((u) => u.resourceId).filter((id) => members.has(id));
  return {
    subscriptionCollectionId: subscription.id,
    waveCollectionId: waveCollection?.id ?? null,
    changedAt: waveCollection?.lastChangeTime,
    excludeRule,
    stillInSubscription,
    applied: excludeRule && stillInSubscription.length === 0,
  };
}

export type DeviceState = 'intune' | 'waiting' | 'wontFollow';

export interface DeviceVerdict {
  id: string;
  deviceName: string;
  user: string | null;
  state: DeviceState;
  /** Why it has not moved (or won't), as far as the product can tell. */
  reason?: string;
}

export type WaveStateName = 'planned' | 'runbookNotApplied' | 'appliedOnSite' | 'moving' | 'verified';

export interface WaveVerification {
  wave: string;
  state: WaveStateName;
  site: SiteSide;
  devices: DeviceVerdict[];
  /** Devices that should move, and how many have. */
  expected: number;
  moved: number;
  /** One line for people. */
  summary: string;
}

export interface VerifyInput {
  wave: PlanWave;
  site: SiteSide;
  users: WaveUser[];
  entraUsers: EntraUser[];
  /** The tenant's managed devices (any: the wave's are picked by UPN, case-insensitively). */
  devices: ManagedDevice[];
  /** When the change was made (ISO): a moved device has synced after it. Default the site's `changedAt`; unknown: any sync counts. */
  appliedAt?: string;
  /**
   * Now (ISO), for "offline since". Default: the later of the site's change and the newest sync,
   * so a site and tenant whose clocks differ from this machine's (a sandbox world) still compare.
   */
  now?: string;
}

/**
 * A device last seen this long before now is taken as offline. Intune's regular check-in is every
 * 8 h (§H.5), but Graph's lastSyncDateTime lags it: a week leaves room for weekends.
 */
const OFFLINE_AFTER_MS = 7 * 24 * 3_600_000;

/** Moved: an Intune agent, managed, synced after the change (domain.md §H.3.1). */
export function isManagedByIntune(device: ManagedDevice, since?: string): boolean {
  if (!INTUNE_AGENTS.has(device.managementAgent) || device.managementState !== 'managed') return false;
  return !since || Date.parse(device.lastSyncDateTime) >= Date.parse(since);
}

export function verifyWave(input: VerifyInput): WaveVerification {
  const upns = new Map(input.users.filter((u) => u.upn).map((u) => [u.upn!.toLowerCase(), u]));
  const entra = new Map(input.entraUsers.map((u) => [u.userPrincipalName.toLowerCase(), u]));
  const since = input.appliedAt ?? input.site.changedAt;
  const now = input.now
    ? Date.parse(input.now)
    : Math.max(0, ...[input.site.changedAt ?? '', ...input.devices.map((d) => d.lastSyncDateTime)].map(Date.parse).filter(Number.isFinite));
  const devices: DeviceVerdict[] = [];
  for (const d of input.devices) {
    const upn = d.userPrincipalName?.toLowerCase();
    if (!upn || !upns.has(upn)) continue;
    const base = { id: d.id, deviceName: d.deviceName, user: d.userPrincipalName };
    const follow = followOf(d);
    if (follow !== 'follows') {
      devices.push({ ...base, state: 'wontFollow', reason: FOLLOW_ADVICE[follow] });
      continue;
    }
    if (isManagedByIntune(d, since)) {
      devices.push({ ...base, state: 'intune' });
      continue;
    }
    const user = entra.get(upn);
    const last = Date.parse(d.lastSyncDateTime);
    const reason = !input.site.applied
      ? 'the runbook has not been applied on the site'
      : user && !hasIntunePlan(user)
        ? 'its user has no enabled Intune plan: the service does not move it'
        : Number.isFinite(last) && now - last > OFFLINE_AFTER_MS
          ? `offline since ${d.lastSyncDateTime}: it moves when it next checks in`
          : "waiting for the Intune service (about 15 minutes after the change) and the device's check-in";
    devices.push({ ...base, state: 'waiting', reason });
  }
  const expected = devices.filter((d) => d.state !== 'wontFollow').length;
  const moved = devices.filter((d) => d.state === 'intune').length;
  const state: WaveStateName = !input.site.waveCollectionId
    ? 'planned'
    : !input.site.applied
      ? 'runbookNotApplied'
      : moved === expected
        ? 'verified'
        : moved > 0
          ? 'moving'
          : 'appliedOnSite';
  const site = input.site;
  const summary =
    state === 'planned'
      ? `Wave "${input.wave.name}": the runbook has not been applied (no collection "${waveCollectionName(input.wave)}" on the site).`
      : state === 'runbookNotApplied'
        ? `Wave "${input.wave.name}": not applied on the site: ${site.excludeRule ? '' : `no exclude rule on ${site.subscriptionCollectionId}; `}${site.stillInSubscription.length} of ${input.users.length} users still in the subscription collection. Run the wave's runbook on the site server.`
        : `Wave "${input.wave.name}": applied on the site; ${moved} of ${expected} devices managed by Intune${state === 'verified' ? ': verified' : ''}.`;
  return { wave: input.wave.name, state, site, devices, expected, moved, summary };
}

export interface WatchOptions {
  /** How long to wait in all (the plan's `waveTimeoutMinutes`). */
  timeoutMs: number;
  /** Between two reads (paced: Graph is read once per interval). */
  intervalMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  progress?: (v: WaveVerification) => void;
  signal?: AbortSignal;
}

export interface WatchResult {
  final: WaveVerification;
  timedOut: boolean;
  /** Devices that should have moved and didn't, with why the product thinks so. */
  notMoved: DeviceVerdict[];
}

/** Waits `ms`, or less when `signal` aborts (a cancelled watch ends at once, without an error). */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        done();
      },
      { once: true },
    );
  });
}

/** Reads until `done` says so or the time is up, paced: one read per interval (waves and phase 4). */
export async function watchUntil<T>(
  read: () => Promise<T>,
  options: Omit<WatchOptions, 'progress'> & { done: (v: T) => boolean; progress?: (v: T) => void },
): Promise<{ final: T; timedOut: boolean }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => sleepUnlessAborted(ms, options.signal));
  const end = now() + options.timeoutMs;
  for (;;) {
    const v = await read();
    options.progress?.(v);
    const done = options.done(v);
    const timedOut = !done && now() + options.intervalMs > end;
    if (done || timedOut || options.signal?.aborted) return { final: v, timedOut };
    await sleep(options.intervalMs);
    if (options.signal?.aborted) return { final: v, timedOut: false };
  }
}

/**
 * Reads until every device that should move has, or the time is up. A wave whose runbook was
 * never applied ends at once: waiting would only time out.
 */
export async function watchWave(read: () => Promise<WaveVerification>, options: WatchOptions): Promise<WatchResult> {
  const { final, timedOut } = await watchUntil(read, {
    ...options,
    done: (v) => v.state === 'verified' || v.state === 'planned' || v.state === 'runbookNotApplied',
  });
  return { final, timedOut, notMoved: final.devices.filter((d) => d.state === 'waiting') };
}

/** Text for the CLI and the output channel: the verification and what did not move. */
export function renderVerification(v: WaveVerification): string {
  const lines = [v.summary];
  for (const d of v.devices) {
    if (d.state === 'intune') continue;
    lines.push(`  ${d.state === 'wontFollow' ? "won't follow" : 'not moved'}: ${d.deviceName} (${d.user ?? 'no user'}): ${d.reason}`);
  }
  return lines.join('\n');
}

export function renderPreflight(p: Preflight): string {
  const lines = [`Preflight of wave "${p.wave}": ${p.ok ? 'ok' : 'blocked'}`];
  for (const c of p.checks) lines.push(`  ${c.ok ? 'ok ' : c.blocking ? 'BLOCK' : 'warn'} ${c.message}`);
  for (const w of p.wontFollow) lines.push(`  won't follow: ${w.device.deviceName} (${w.device.userPrincipalName}): ${w.advice}`);
  return lines.join('\n');
}
