// The cmdlets the simulated console accepts, with the parameter names and parameter sets of the
// ConfigurationManager module (PSREF, hybrid-era 1906 and current docs). Anything not listed here
// is refused before a runbook runs. Names are matched case-insensitively, as PowerShell does.

export type ParamKind = 'value' | 'switch';

export interface CmdletSpec {
  name: string;
  params: Record<string, ParamKind>;
  aliases?: Record<string, string>;
  /** Each group: exactly one of these parameters (a parameter-set choice). */
  exactlyOne?: string[][];
  required?: string[];
  /** The parameter a first positional argument binds to; CM cmdlets take none here (named only). */
  positional?: string;
  /** Literal values allowed for a parameter (enums), case-insensitive. */
  values?: Record<string, string[]>;
  /** Needs the ConfigurationManager module and the site drive. */
  cm: boolean;
  /** Writes to the site. */
  changes: boolean;
}

const collectionTarget = ['CollectionId', 'CollectionName', 'InputObject'];
const refresh = {
  Comment: 'value',
  RefreshType: 'value',
  RefreshSchedule: 'value',
} as const;
const refreshTypes = { RefreshType: ['None', 'Manual', 'Periodic', 'Continuous', 'Both'] };

const specs: CmdletSpec[] = [
  { name: 'Import-Module', params: { Name: 'value' }, positional: 'Name', required: ['Name'], cm: false, changes: false },
  { name: 'Set-Location', params: { Path: 'value' }, positional: 'Path', required: ['Path'], cm: false, changes: false },
  { name: 'Push-Location', params: { Path: 'value' }, positional: 'Path', cm: false, changes: false },
  { name: 'Pop-Location', params: {}, cm: false, changes: false },
  {
    name: 'Write-Host',
    params: { Object: 'value', ForegroundColor: 'value', BackgroundColor: 'value', NoNewline: 'switch' },
    positional: 'Object',
    cm: false,
    changes: false,
  },
  { name: 'Write-Output', params: { InputObject: 'value' }, positional: 'InputObject', cm: false, changes: false },
  { name: 'Write-Verbose', params: { Message: 'value' }, positional: 'Message', required: ['Message'], cm: false, changes: false },
  { name: 'Write-Warning', params: { Message: 'value' }, positional: 'Message', required: ['Message'], cm: false, changes: false },
  { name: 'Out-Null', params: {}, cm: false, changes: false },
  // The runbook prints the module version and the site build first (domain reference H.1).
  { name: 'Get-Module', params: { Name: 'value' }, positional: 'Name', required: ['Name'], cm: false, changes: false },
  { name: 'Get-CMSite', params: { SiteCode: 'value' }, cm: true, changes: false },
  {
    name: 'New-CMSchedule',
    params: { RecurInterval: 'value', RecurCount: 'value' },
    required: ['RecurInterval', 'RecurCount'],
    values: { RecurInterval: ['Minutes', 'Hours', 'Days'] },
    cm: true,
    changes: false,
  },
  {
    name: 'Get-CMCollection',
    params: { Name: 'value', Id: 'value', CollectionType: 'value' },
    aliases: { CollectionId: 'Id' },
    exactlyOne: [['Name', 'Id']],
    values: { CollectionType: ['User', 'Device'] },
    cm: true,
    changes: false,
  },
  {
    name: 'Get-CMUserCollection',
    params: { Name: 'value', Id: 'value' },
    aliases: { CollectionId: 'Id' },
    exactlyOne: [['Name', 'Id']],
    cm: true,
    changes: false,
  },
  {
    name: 'New-CMUserCollection',
    params: { Name: 'value', LimitingCollectionId: 'value', LimitingCollectionName: 'value', InputObject: 'value', ...refresh },
    aliases: { LimitingCollection: 'InputObject' },
    required: ['Name'],
    exactlyOne: [['LimitingCollectionId', 'LimitingCollectionName', 'InputObject']],
    values: refreshTypes,
    cm: true,
    changes: true,
  },
  {
    name: 'New-CMCollection',
    params: {
      CollectionType: 'value',
      Name: 'value',
      LimitingCollectionId: 'value',
      LimitingCollectionName: 'value',
      InputObject: 'value',
      ...refresh,
    },
    required: ['CollectionType', 'Name'],
    exactlyOne: [['LimitingCollectionId', 'LimitingCollectionName', 'InputObject']],
    values: { ...refreshTypes, CollectionType: ['User', 'Device'] },
    cm: true,
    changes: true,
  },
  {
    name: 'Add-CMUserCollectionDirectMembershipRule',
    params: {
      CollectionId: 'value',
      CollectionName: 'value',
      InputObject: 'value',
      ResourceId: 'value',
      Resource: 'value',
      PassThru: 'switch',
    },
    aliases: { ResourceIds: 'ResourceId', Id: 'CollectionId', Name: 'CollectionName', Collection: 'InputObject' },
    exactlyOne: [collectionTarget, ['ResourceId', 'Resource']],
    cm: true,
    changes: true,
  },
  {
    name: 'Get-CMUserCollectionDirectMembershipRule',
    params: { CollectionId: 'value', CollectionName: 'value', InputObject: 'value', ResourceId: 'value', ResourceName: 'value' },
    aliases: { Id: 'CollectionId', Collection: 'InputObject' },
    exactlyOne: [collectionTarget],
    cm: true,
    changes: false,
  },
  {
    name: 'Remove-CMUserCollectionDirectMembershipRule',
    params: {
      CollectionId: 'value',
      CollectionName: 'value',
      InputObject: 'value',
      ResourceId: 'value',
      Resource: 'value',
      Force: 'switch',
    },
    aliases: { Id: 'CollectionId', Collection: 'InputObject' },
    exactlyOne: [collectionTarget, ['ResourceId', 'Resource']],
    cm: true,
    changes: true,
  },
  {
    name: 'Add-CMUserCollectionIncludeMembershipRule',
    params: {
      CollectionId: 'value',
      CollectionName: 'value',
      InputObject: 'value',
      IncludeCollectionId: 'value',
      IncludeCollectionName: 'value',
      IncludeCollection: 'value',
      PassThru: 'switch',
    },
    aliases: { Id: 'CollectionId', Collection: 'InputObject' },
    exactlyOne: [collectionTarget, ['IncludeCollectionId', 'IncludeCollectionName', 'IncludeCollection']],
    cm: true,
    changes: true,
  },
  {
    name: 'Get-CMUserCollectionIncludeMembershipRule',
    params: {
      CollectionId: 'value',
      CollectionName: 'value',
      InputObject: 'value',
      IncludeCollectionId: 'value',
      IncludeCollectionName: 'value',
    },
    aliases: { Id: 'CollectionId', Collection: 'InputObject' },
    exactlyOne: [collectionTarget],
    cm: true,
    changes: false,
  },
  {
    name: 'Add-CMUserCollectionExcludeMembershipRule',
    params: {
      CollectionId: 'value',
      CollectionName: 'value',
      InputObject: 'value',
      ExcludeCollectionId: 'value',
      ExcludeCollectionName: 'value',
      ExcludeCollection: 'value',
      PassThru: 'switch',
    },
    aliases: { Id: 'CollectionId', Collection: 'InputObject' },
    exactlyOne: [collectionTarget, ['ExcludeCollectionId', 'ExcludeCollectionName', 'ExcludeCollection']],
    cm: true,
    changes: true,
  },
  {
    name: 'Get-CMUserCollectionExcludeMembershipRule',
    params: {
      CollectionId: 'value',
      CollectionName: 'value',
      InputObject: 'value',
      ExcludeCollectionId: 'value',
      ExcludeCollectionName: 'value',
    },
    aliases: { Id: 'CollectionId', Collection: 'InputObject' },
    exactlyOne: [collectionTarget],
    cm: true,
    changes: false,
  },
  {
    name: 'Remove-CMUserCollectionExcludeMembershipRule',
    params: {
      CollectionId: 'value',
      CollectionName: 'value',
      InputObject: 'value',
      ExcludeCollectionId: 'value',
      ExcludeCollectionName: 'value',
      ExcludeCollection: 'value',
      Force: 'switch',
    },
    aliases: { Id: 'CollectionId', Collection: 'InputObject' },
    exactlyOne: [collectionTarget, ['ExcludeCollectionId', 'ExcludeCollectionName', 'ExcludeCollection']],
    cm: true,
    changes: true,
  },
  {
    name: 'Invoke-CMCollectionUpdate',
    params: { CollectionId: 'value', Name: 'value', InputObject: 'value' },
    aliases: { Id: 'CollectionId', Collection: 'InputObject' },
    exactlyOne: [['CollectionId', 'Name', 'InputObject']],
    cm: true,
    changes: true,
  },
  {
    name: 'Get-CMUser',
    params: { ResourceId: 'value', CollectionId: 'value', CollectionName: 'value' },
    aliases: { Id: 'ResourceId' },
    exactlyOne: [['ResourceId', 'CollectionId', 'CollectionName']],
    cm: true,
    changes: false,
  },
  { name: 'Get-CMIntuneSubscription', params: {}, cm: true, changes: false },
  {
    name: 'Set-CMIntuneSubscription',
    params: { UserCollection: 'value', PassThru: 'switch' },
    aliases: { Collection: 'UserCollection' },
    required: ['UserCollection'],
    cm: true,
    changes: true,
  },
];

const byName = new Map(specs.map((spec) => [spec.name.toLowerCase(), spec]));

export function cmdletSpec(name: string): CmdletSpec | undefined {
  return byName.get(name.toLowerCase());
}

/** Resolve a parameter name as written (any case, alias) to its canonical name. */
export function canonicalParam(spec: CmdletSpec, written: string): string | undefined {
  const lower = written.toLowerCase();
  for (const name of Object.keys(spec.params)) if (name.toLowerCase() === lower) return name;
  for (const [alias, name] of Object.entries(spec.aliases ?? {})) if (alias.toLowerCase() === lower) return name;
  if (lower === 'erroraction' || lower === 'ea') return 'ErrorAction';
  return undefined;
}

export const errorActions = ['Stop', 'Continue', 'SilentlyContinue'];

/** Cmdlets the subset names on purpose, so their refusal says why. */
export const refusedOnPurpose: Record<string, string> = {
  'remove-cmcollection': 'deleting collections is outside the runbook subset',
  'remove-cmusercollection': 'deleting collections is outside the runbook subset',
  'switch-mdmdeviceauthority': 'the device authority switch is never run from a runbook (it toggles on each run)',
  'invoke-expression': 'Invoke-Expression runs arbitrary code',
  'remove-cmintunesubscription': 'removing the Intune subscription ends hybrid MDM for everyone',
};

export const cmdletNames = specs.map((spec) => spec.name);
