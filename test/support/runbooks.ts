// Runbooks as phase 3 will generate them, for the runbook interpreter's tests: a header, the
// dry-run switch, a check before each change, direct rules by resource id, the exclude rule on
// the subscription collection, and (when the subscription uses All Users) the documented
// replacement-collection procedure first.

export interface WaveUser {
  resourceId: number;
  name: string;
}

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export function waveRunbook(options: { siteCode: string; wave: string; users: WaveUser[] }): string {
  const { siteCode, wave, users } = options;
  return `#Requires -Version 5.1
<#
  cm2intune, phase 3 (mixed MDM authority): wave ${quote(wave)} on site ${siteCode}.
  Creates the user collection 'cm2intune wave ${wave}' with one direct rule per user (by resource id),
  excludes it from the Intune subscription collection and re-evaluates both collections.
  When the subscription uses All Users (which takes no exclude rules), first builds the collection
  'cm2intune Intune hybrid users' with all users, checks it, and switches the subscription to it.
  Checks before each change: running it again changes nothing. -DryRun only says what it would do.
  This script contains no secrets.
#>
[CmdletBinding()]
param([switch]$DryRun)

$ErrorActionPreference = 'Stop'
$SiteCode = ${quote(siteCode)}
$WaveName = ${quote(`cm2intune wave ${wave}`)}
$ReplacementName = 'cm2intune Intune hybrid users'
$ResourceIds = @(
${users.map((user) => `  ${user.resourceId}  # ${user.name}`).join('\n')}
)

Import-Module (Join-Path $env:SMS_ADMIN_UI_PATH '..\\ConfigurationManager.psd1')
Push-Location "$($SiteCode):"
Write-Host "cm2intune wave $WaveName on site $SiteCode (dry run: $DryRun)"
Write-Host "ConfigurationManager module $((Get-Module ConfigurationManager).Version), site build $((Get-CMSite).BuildNumber)"
if ((Get-CMSite).BuildNumber -ge 8913) { throw "Site $SiteCode is 1910 or later: the hybrid subscription cmdlets are gone" }

$subscription = Get-CMIntuneSubscription
if ($null -eq $subscription) { throw "Site $SiteCode has no Intune subscription: nothing to migrate" }
$subscriptionId = $subscription.CollectionID

if ($subscriptionId -eq 'SMS00002') {
  # All Users can't take exclude rules: a collection with all users replaces it (same members).
  $replacement = Get-CMUserCollection -Name $ReplacementName
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
  Write-Host "'$WaveName' has $($after.MemberCount) members"
}
Pop-Location
`;
}

/** Undoes a wave: the exclude rule and the direct rules go; the (empty) wave collection stays. */
export function undoRunbook(options: { siteCode: string; wave: string; users: WaveUser[] }): string {
  const { siteCode, wave, users } = options;
  return `<#
  cm2intune, phase 3: UNDO wave ${quote(wave)} on site ${siteCode}.
  Removes the exclude rule from the Intune subscription collection and the wave's direct rules,
  so the wave's users are hybrid-managed again. Checks before each change. No secrets.
#>
param([switch]$DryRun)
$ErrorActionPreference = 'Stop'
$WaveName = ${quote(`cm2intune wave ${wave}`)}
$ResourceIds = @(${users.map((user) => user.resourceId).join(', ')})

Import-Module ($Env:SMS_ADMIN_UI_PATH.Substring(0,$Env:SMS_ADMIN_UI_PATH.Length-5) + '\\ConfigurationManager.psd1')
Set-Location '${siteCode}:'

$wave = Get-CMUserCollection -Name $WaveName
if (-not $wave) { Write-Warning "'$WaveName' does not exist: nothing to undo"; return }
$subscriptionId = (Get-CMIntuneSubscription).CollectionID

$excluded = Get-CMUserCollectionExcludeMembershipRule -CollectionId $subscriptionId -ExcludeCollectionId $wave.CollectionID
if ($excluded) {
  if ($DryRun) { Write-Host "[dry run] would remove the exclude rule for $($wave.CollectionID)" }
  else { Remove-CMUserCollectionExcludeMembershipRule -CollectionId $subscriptionId -ExcludeCollectionId $wave.CollectionID -Force }
}
$rules = @(Get-CMUserCollectionDirectMembershipRule -CollectionId $wave.CollectionID)
foreach ($id in $ResourceIds) {
  if ($rules.ResourceID -contains $id) {
    if ($DryRun) { Write-Host "[dry run] would remove resource $id from '$WaveName'" }
    else { Remove-CMUserCollectionDirectMembershipRule -CollectionId $wave.CollectionID -ResourceId $id -Force }
  }
}
if (!$DryRun) { Invoke-CMCollectionUpdate -CollectionId $subscriptionId }
Set-Location C:
`;
}
