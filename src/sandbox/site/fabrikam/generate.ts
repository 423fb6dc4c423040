// Deterministic generator of the second sample site, "Fabrikam" (site code FAB), built unlike
// Contoso on purpose (issue 11): 10,000 users with All Users as the Intune subscription collection,
// limiting and exclude chains, older revisions of CIs and apps (IsLatest = 0), retired objects and
// disabled deployments, compound (And/Or) setting rules, values outside Graph's ranges, a Windows
// Phone 8.1 CI, users without a UPN (synced to Entra ID by SID only), names with spaces, Unicode
// and apostrophes. Same production views as Contoso (TABLES), its own data.
//
//   npx tsx scripts/generate-fabrikam.ts   -> fabrikam.sql + src/sandbox/tenant/seed/fabrikam.seed.json (committed)
import { join } from 'node:path';
import { APP_NS, DC_NS, RULES_NS, TABLES, type Rows, type Value } from '../contoso/generate';

export const FABRIKAM_SQL = join(__dirname, 'fabrikam.sql');
export const SITE_CODE = 'FAB';
export const DOMAIN = 'FABRIKAM';
export const USER_COUNT = 10_000;
export const SID_BASE = 'S-1-5-21-3623811015-3361044348-30300820';
const SCOPE = 'ScopeId_0B5E2F7A-91C3-4D6E-8A2B-3C4D5E6F7081';
const FIRST_USER = 2080000000;
const FIRST_GROUP = 2090000000;
const FIRST_DEVICE = 16800000;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** GUID-like, from a counter: deterministic without a PRNG (lower case, unlike Contoso's). */
const guid = (n: number, salt: number) => {
  const h = (x: number) => (x >>> 0).toString(16).padStart(8, '0');
  const a = h(Math.imul(n + 1, 2654435761) ^ salt),
    b = h(Math.imul(n + 7, 40503) ^ (salt * 31));
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-9${a.slice(1, 4)}-${b}${a.slice(4, 8)}`;
};

// ---- people: 10,000, with spaces, accents, apostrophes in their names ----
const FIRST = [
  'Aurélie',
  'Bjørn',
  'Ciarán',
  'Dolores',
  'Émile',
  'Fiadh',
  'Grzegorz',
  'Hélène',
  'Inès',
  "Ja'Nae",
  'Kristóf',
  'Łucja',
  'Marie Claire',
  'Nuño',
  'Oona',
  'Pádraig',
  'Renée',
  'Søren',
  'Tomás',
  'Ulla',
  'Violetta',
  'Wojciech',
  'Yusuf',
  'Zsófia',
];
const LAST = [
  "D'Arcy",
  "O'Sullivan",
  "N'Diaye",
  'de la Fuente',
  'van Rijn',
  'Großmann',
  'Åberg',
  'Nakamura',
  'Kovačević',
  'Lefèvre',
  'Mac Giolla',
  'Ó Briain',
  'Øster',
  'Papadopoulos',
  'Quiñones',
  'Rønning',
  'Szabó',
  'Ulrich',
  'Wiśniewski',
  'Yılmaz',
  'Żak',
];
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ØøŁłß]/g, (c) => ({ Ø: 'O', ø: 'o', Ł: 'L', ł: 'l', ß: 'ss' })[c]!)
    .replace(/ı/g, 'i')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();

/** AD groups (synced or not: the tenant seed decides). Membership is a rule on the user's index. */
export const AD_GROUPS: { name: string; rid: number; has: (i: number) => boolean }[] = [
  { name: 'Domain Users', rid: 513, has: () => true },
  { name: 'Field Engineers', rid: 7101, has: (i) => i % 10 === 0 },
  { name: 'Sales – Nordics', rid: 7102, has: (i) => i % 15 === 1 || i % 30 === 0 },
  { name: "D'Arcy Lab", rid: 7103, has: (i) => i % 97 === 3 },
  { name: 'Führungskräfte', rid: 7104, has: (i) => i % 500 === 7 },
  { name: 'Contractors', rid: 7105, has: (i) => i % 40 === 9 },
  { name: 'Mobile Pilot', rid: 7106, has: (i) => i % 60 === 9 || i % 60 === 20 },
  { name: 'Seasonal Staff', rid: 7107, has: (i) => i % 200 === 9 },
];

export interface Person {
  index: number;
  resourceId: number;
  sam: string;
  fullName: string;
  /** Null for users ConfigMgr discovered without one (every 1000th): Entra ID knows them by SID. */
  upn: string | null;
  sid: string;
  groups: string[];
}

export function makePeople(count = USER_COUNT): Person[] {
  const seen = new Map<string, number>();
  const people: Person[] = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
    const base = `${ascii(first)}.${ascii(last)}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const sam = n === 1 ? base : `${base}${n}`;
    people.push({
      index: i,
      resourceId: FIRST_USER + i,
      sam,
      fullName: `${first} ${last}`,
      upn: i % 1000 === 9 ? null : `${sam}@fabrikam.com`,
      sid: `${SID_BASE}-${30000 + i}`,
      groups: AD_GROUPS.filter((g) => g.has(i)).map((g) => g.name),
    });
  }
  return people;
}

// ---- collections: limiting and exclude chains ----
export const COLLECTION = {
  allSystems: 'SMS00001',
  allUsers: 'SMS00002',
  allUserGroups: 'SMS00004',
  fieldEngineers: 'FAB00010',
  nordicField: 'FAB00011',
  contractors: 'FAB00012',
  seasonal: 'FAB00013',
  mobileWorkforce: 'FAB00014',
  mobilePilot: 'FAB00015',
  darcyLab: 'FAB00016',
  executives: 'FAB00017',
  lumias: 'FAB00019',
  nobody: 'FAB00020',
} as const;

interface CollDef {
  id: string;
  name: string;
  type: 1 | 2;
  limit: string | null;
  comment?: string;
  /** A query for one AD group's users, `all` users or devices, or a WQL on the OS. */
  query?: { name: string; group?: string; all?: boolean; os?: string };
  direct?: number[];
  include?: string[];
  exclude?: string[];
}
const groupWql = (group: string) =>
  `select SMS_R_USER.ResourceID,SMS_R_USER.ResourceType,SMS_R_USER.Name,SMS_R_USER.UniqueUserName,SMS_R_USER.WindowsNTDomain from SMS_R_User where SMS_R_User.UserGroupName = "${DOMAIN}\\\\${group.replace(/"/g, '\\"')}"`;

function collections(people: Person[]): CollDef[] {
  const execs = people.filter((p) => p.groups.includes('Führungskräfte')).map((p) => p.resourceId);
  return [
    { id: COLLECTION.allSystems, name: 'All Systems', type: 2, limit: null, query: { name: 'All Systems', all: true } },
    {
      id: COLLECTION.allUsers,
      name: 'All Users',
      type: 1,
      limit: null,
      comment: 'Collection of the Microsoft Intune subscription',
      query: { name: 'All Users', all: true },
    },
    { id: COLLECTION.allUserGroups, name: 'All User Groups', type: 1, limit: null },
    {
      id: COLLECTION.fieldEngineers,
      name: 'Field Engineers',
      type: 1,
      limit: COLLECTION.allUsers,
      query: { name: 'Field Engineers group', group: 'Field Engineers' },
    },
    // Limited to Field Engineers: fewer members than the AD group its one rule names.
    {
      id: COLLECTION.nordicField,
      name: 'Nordic Sales (field only)',
      type: 1,
      limit: COLLECTION.fieldEngineers,
      query: { name: 'Nordic sales group', group: 'Sales – Nordics' },
    },
    // Exclude chain: Mobile Workforce excludes Contractors, which excludes Seasonal Staff.
    {
      id: COLLECTION.contractors,
      name: 'Contractors',
      type: 1,
      limit: COLLECTION.allUsers,
      query: { name: 'Contractors group', group: 'Contractors' },
      exclude: [COLLECTION.seasonal],
    },
    {
      id: COLLECTION.seasonal,
      name: 'Seasonal Staff',
      type: 1,
      limit: COLLECTION.allUsers,
      query: { name: 'Seasonal group', group: 'Seasonal Staff' },
    },
    {
      id: COLLECTION.mobileWorkforce,
      name: 'Mobile Workforce',
      type: 1,
      limit: COLLECTION.allUsers,
      include: [COLLECTION.mobilePilot, COLLECTION.darcyLab],
      exclude: [COLLECTION.contractors],
    },
    {
      id: COLLECTION.mobilePilot,
      name: 'Mobile Pilot',
      type: 1,
      limit: COLLECTION.allUsers,
      query: { name: 'Pilot group', group: 'Mobile Pilot' },
    },
    {
      id: COLLECTION.darcyLab,
      name: "D'Arcy Lab Users",
      type: 1,
      limit: COLLECTION.allUsers,
      query: { name: 'Lab group', group: "D'Arcy Lab" },
    },
    { id: COLLECTION.executives, name: 'Führungskräfte & Vorstand', type: 1, limit: COLLECTION.allUsers, direct: execs },
    {
      id: COLLECTION.lumias,
      name: 'Windows Phone 8.1 Devices',
      type: 2,
      limit: COLLECTION.allSystems,
      query: { name: 'Lumia', os: 'Windows Phone 8.1' },
    },
    { id: COLLECTION.nobody, name: 'Nobody (retired collection)', type: 1, limit: COLLECTION.allUsers },
  ];
}

// ---- digests ----
type Platform = 'ios' | 'android' | 'windows' | 'windowsPhone81' | 'macos';
/** Rule ids in the shapes the reading model names (docs/site-database.md); Windows Phone 8.1 has its own. */
const RULE: Record<Platform, string> = {
  ios: 'Platform/iOS_9_and_higher',
  android: 'Platform/Android_5_and_higher',
  windows: 'Windows/All_x64_Windows_10_and_higher_Clients',
  windowsPhone81: 'Windows/All_Windows_Phone_8.1',
  macos: 'Platform/MacOSX_10_12_and_higher',
};
const ann = (name: string, description: string) =>
  `<Annotation xmlns="${RULES_NS}"><DisplayName Text="${esc(name)}"/><Description Text="${esc(description)}"/></Annotation>`;
const platformCondition = (platforms: Platform[]) =>
  `<PlatformApplicabilityCondition><OperatingSystemExpression xmlns="${RULES_NS}"><Operator>OneOf</Operator><Operands>` +
  platforms.map((p) => `<RuleExpression RuleId="${RULE[p]}"/>`).join('') +
  `</Operands></OperatingSystemExpression></PlatformApplicabilityCondition>`;

type DataType = 'Boolean' | 'Int64' | 'String';
/** A setting rule: `name = value`, or a compound And/Or of such comparisons. */
type RuleSpec =
  { name: string; type: DataType; value: string } | { op: 'And' | 'Or'; parts: { name: string; type: DataType; value: string }[] };

const comparison = (logical: string, s: { name: string; type: DataType; value: string }) =>
  `<Expression><Operator>Equals</Operator><Operands><SettingReference AuthoringScopeId="${SCOPE}" LogicalName="${logical}" Version="1" DataType="${s.type}" SettingLogicalName="${s.name}" Method="Value" Changeable="true"/>` +
  `<ConstantValue Value="${esc(s.value)}" DataType="${s.type}"/></Operands></Expression>`;

function settingsDigest(
  root: 'OperatingSystem' | 'CompliancePolicy',
  logical: string,
  name: string,
  platforms: Platform[],
  specs: RuleSpec[],
) {
  const all = specs.flatMap((s) => ('op' in s ? s.parts : [s]));
  const defs = [...new Map(all.map((s) => [s.name, s])).values()]
    .map((s) => `<SimpleSetting LogicalName="${s.name}" DataType="${s.type}"/>`)
    .join('');
  const rules = specs
    .map(
      (s, i) =>
        `<Rule xmlns="${RULES_NS}" id="Rule_${i}" Severity="Critical" NonCompliantWhenSettingIsNotFound="true">` +
        ('op' in s
          ? `<Expression><Operator>${s.op}</Operator><Operands>${s.parts.map((p) => comparison(logical, p)).join('')}</Operands></Expression>`
          : comparison(logical, s)) +
        `</Rule>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="utf-16"?>\n<DesiredConfigurationDigest xmlns="${DC_NS}"><${root} AuthoringScopeId="${SCOPE}" LogicalName="${logical}" Version="1">` +
    ann(name, '') +
    platformCondition(platforms) +
    `<Rules>${rules}</Rules><Settings><RootComplexSetting>${defs}</RootComplexSetting></Settings></${root}></DesiredConfigurationDigest>`
  );
}
const profileDigest = (logical: string, name: string, platforms: Platform[], payload: string) =>
  `<?xml version="1.0" encoding="utf-16"?>\n<DesiredConfigurationDigest xmlns="${DC_NS}"><ConfigurationPolicy AuthoringScopeId="${SCOPE}" LogicalName="${logical}" Version="1">` +
  ann(name, '') +
  platformCondition(platforms) +
  `<Settings>${payload}</Settings></ConfigurationPolicy></DesiredConfigurationDigest>`;
const ref = (logical: string) => `AuthoringScopeId="${SCOPE}" LogicalName="${logical}"`;

const s = (name: string, type: DataType, value: string) => ({ name, type, value });

/** What the tests expect of each object (its key in the picture is `name|platform`). */
export interface ExpectedObject {
  name: string;
  platform: string;
  kind: string;
  /** Not imported by default (retired), and why. */
  retired?: string[];
  /** Where ConfigMgr deploys it (enabled deployments only). */
  deployedTo: string[];
  /** Deployments ConfigMgr has but disabled. */
  disabledTo?: string[];
  /** The setting comparisons of its rules (the parts of a compound rule too), as the digest holds them. */
  settings?: { name: string; type: DataType; value: string }[];
  /** Which of them sit in a compound (And/Or) rule. */
  compound?: string[];
}

interface CiDef {
  ciId: number;
  typeId: number;
  logical: string;
  name: string;
  version: number;
  digest: string;
  flags?: { hidden?: boolean; enabled?: boolean; expired?: boolean; superseded?: boolean };
  /** Older revisions: same ModelName, IsLatest = 0, their own CI_IDs and stale digests. */
  older?: { ciId: number; version: number; digest: string; name: string }[];
  specs?: RuleSpec[];
}

export interface FabrikamSite {
  rows: Rows;
  people: Person[];
  /** Collection id -> its effective members (resource ids), as ConfigMgr evaluates them. */
  members: Map<string, Set<number>>;
  collectionNames: Map<string, string>;
  objects: ExpectedObject[];
  /** Facts the tests check (CI_IDs of revisions, unique ids). */
  facts: {
    revisedCi: { name: string; latestCiId: number; olderCiIds: number[]; minimumPasswordLength: number };
    revisedApp: { name: string; latestCiId: number; olderCiId: number; olderDtCiId: number; packageUri: string; staleUri: string };
    revisedCompliance: { name: string; latestCiId: number; olderCiId: number };
    uniqueIds: Record<string, string>;
  };
}

export function buildFabrikam(count = USER_COUNT): FabrikamSite {
  const rows: Rows = Object.fromEntries(Object.keys(TABLES).map((t) => [t, [] as Value[][]]));
  const people = makePeople(count);
  const date = (n: number) => new Date(Date.UTC(2018, 2, 1) + n * 3_600_000 * 7).toISOString().slice(0, 19).replace('T', ' ');

  // users and groups
  AD_GROUPS.forEach((g, i) =>
    rows.v_R_UserGroup.push([
      FIRST_GROUP + i,
      3,
      `${DOMAIN}\\${g.name}`,
      g.name,
      `${DOMAIN}\\${g.name}`,
      DOMAIN,
      'fabrikam.com',
      `${SID_BASE}-${g.rid}`,
      -2147483646,
    ]),
  );
  for (const p of people) {
    rows.v_R_User.push([
      p.resourceId,
      4,
      p.sam,
      `${DOMAIN}\\${p.sam}`,
      DOMAIN,
      p.fullName,
      p.upn,
      p.upn,
      p.sid,
      `CN=${p.fullName},OU=Staff,DC=fabrikam,DC=com`,
    ]);
    for (const g of p.groups) if (g !== 'Domain Users') rows.v_RA_User_UserGroupName.push([p.resourceId, `${DOMAIN}\\${g}`]);
  }
  // A few devices: Lumias (Windows Phone 8.1) and laptops, for the device collections.
  const devices: { id: number; os: string }[] = [];
  for (let k = 0; k < 12; k++) {
    const owner = people[k * 37];
    const os = k % 3 === 0 ? 'Windows Phone 8.1' : 'Microsoft Windows NT Workstation 10.0';
    const id = FIRST_DEVICE + k;
    devices.push({ id, os });
    rows.v_R_System.push([id, 5, k % 3 === 0 ? `LUMIA-${k}` : `FAB-LT-${k}`, `GUID:${guid(k, 77).toUpperCase()}`, owner.sam, os]);
    rows.v_UsersPrimaryMachines.push([owner.resourceId, id]);
  }
  rows.v_Site.push([SITE_CODE, 'Fabrikam Central Site', 'SCCM-FAB.fabrikam.com', 2, 8790, '5.00.8790.1000']);

  // collections, evaluated in dependency order: rules, then includes, excludes, then the limit
  const colls = collections(people);
  const byId = new Map(colls.map((c) => [c.id, c]));
  const members = new Map<string, Set<number>>();
  const resolve = (c: CollDef): Set<number> => {
    const done = members.get(c.id);
    if (done) return done;
    const set = new Set<number>();
    if (c.query?.all) (c.type === 1 ? people.map((p) => p.resourceId) : devices.map((d) => d.id)).forEach((id) => set.add(id));
    else if (c.query?.os) devices.filter((d) => d.os === c.query!.os).forEach((d) => set.add(d.id));
    else if (c.query?.group) people.filter((p) => p.groups.includes(c.query!.group!)).forEach((p) => set.add(p.resourceId));
    for (const id of c.direct ?? []) set.add(id);
    for (const i of c.include ?? []) resolve(byId.get(i)!).forEach((id) => set.add(id));
    for (const e of c.exclude ?? []) resolve(byId.get(e)!).forEach((id) => set.delete(id));
    if (c.limit) {
      const limit = resolve(byId.get(c.limit)!);
      for (const id of [...set]) if (!limit.has(id)) set.delete(id);
    }
    members.set(c.id, set);
    return set;
  };
  const sam = new Map(people.map((p) => [p.resourceId, p.sam]));
  let queryId = 100;
  colls.forEach((c, n) => {
    const set = resolve(c);
    rows.v_Collection.push([
      c.id,
      c.name,
      c.comment ?? '',
      c.type,
      set.size,
      c.limit,
      c.limit ? byId.get(c.limit)!.name : null,
      2,
      date(n),
    ]);
    if (c.query) {
      const wql = c.query.all
        ? c.type === 1
          ? 'select * from SMS_R_User'
          : 'select * from SMS_R_System'
        : c.query.os
          ? `select * from SMS_R_System where SMS_R_System.OperatingSystemNameandVersion like "%${c.query.os}%"`
          : groupWql(c.query.group!);
      rows.v_CollectionRuleQuery.push([c.id, queryId++, c.query.name, wql, c.limit]);
    }
    for (const id of c.direct ?? []) rows.v_CollectionRuleDirect.push([c.id, id, 4, `${DOMAIN}\\${sam.get(id)}`]);
    if (c.limit) rows.vSMS_CollectionDependencies.push([c.id, c.limit, 1]);
    for (const i of c.include ?? []) rows.vSMS_CollectionDependencies.push([c.id, i, 2]);
    for (const e of c.exclude ?? []) rows.vSMS_CollectionDependencies.push([c.id, e, 3]);
    for (const id of [...set].sort((a, b) => a - b))
      rows.v_FullCollectionMembership.push([c.id, id, c.type === 1 ? 4 : 5, sam.get(id) ?? String(id), DOMAIN, SITE_CODE, false]);
  });
  const collectionNames = new Map(colls.map((c) => [c.id, c.name]));

  // configuration items
  const cis: CiDef[] = [];
  let nextCi = 16900100;
  let salt = 1;
  const logicalOf = (prefix: string) => `${prefix}_${guid(salt++, 0x5eed)}`;
  const objects: ExpectedObject[] = [];
  const deploy = new Map<number, { to: string[]; disabledTo: string[] }>();
  const ci = (
    typeId: number,
    prefix: string,
    name: string,
    make: (logical: string, name: string) => string,
    opts: { version?: number; flags?: CiDef['flags'] } = {},
  ): CiDef => {
    const logical = logicalOf(prefix);
    const def: CiDef = {
      ciId: nextCi++,
      typeId,
      logical,
      name,
      version: opts.version ?? 1,
      digest: make(logical, name),
      flags: opts.flags,
    };
    cis.push(def);
    return def;
  };
  const expect = (def: CiDef, platform: string, kind: string, deployedTo: string[], extra: Partial<ExpectedObject> = {}) => {
    const settings = def.specs?.flatMap((r) => ('op' in r ? r.parts : [r]));
    const compound = def.specs?.flatMap((r) => ('op' in r ? r.parts.map((p) => p.name) : []));
    objects.push({ name: def.name, platform, kind, deployedTo, ...(settings ? { settings, compound } : {}), ...extra });
    deploy.set(def.ciId, { to: deployedTo, disabledTo: extra.disabledTo ?? [] });
  };
  const cfg = (name: string, platforms: Platform[], specs: RuleSpec[], opts: { version?: number; flags?: CiDef['flags'] } = {}) =>
    Object.assign(
      ci(3, 'OperatingSystem', name, (l, n) => settingsDigest('OperatingSystem', l, n, platforms, specs), opts),
      { specs },
    );
  const comp = (name: string, platforms: Platform[], specs: RuleSpec[], opts: { version?: number; flags?: CiDef['flags'] } = {}) =>
    Object.assign(
      ci(40, 'CompliancePolicy', name, (l, n) => settingsDigest('CompliancePolicy', l, n, platforms, specs), opts),
      {
        specs,
      },
    );
  const prof = (name: string, platforms: Platform[], payload: string, opts: { version?: number; flags?: CiDef['flags'] } = {}) =>
    ci(50, 'ConfigurationPolicy', name, (l, n) => profileDigest(l, n, platforms, payload), opts);

  // 1. Revisions: revision 3 is the latest; revisions 1 and 2 asked for shorter passcodes, and the
  // deployment still names revision 1's CI_ID (made before the last two edits).
  const fieldRestrictions = cfg(
    'Field iPhones – Restrictions',
    ['ios'],
    [s('PasswordRequired', 'Boolean', 'true'), s('MinimumPasswordLength', 'Int64', '8'), s('AllowCamera', 'Boolean', 'false')],
    { version: 3 },
  );
  fieldRestrictions.older = [1, 2].map((version) => ({
    ciId: 16900001 + version,
    version,
    name: `Field iPhones – Restrictions (draft ${version})`,
    digest: fieldRestrictions.digest.replace(
      /(SettingLogicalName="MinimumPasswordLength"[^>]*\/><ConstantValue Value=")8"/,
      `$1${2 + 2 * version}"`,
    ),
  }));
  expect(fieldRestrictions, 'ios', 'configuration', [COLLECTION.fieldEngineers]);

  // 2. A compound rule: (MinimumPasswordLength = 6 And RequireEncryption = true), beside a plain one.
  const androidPasscode = cfg(
    'Android Work – Passcode & Encryption',
    ['android'],
    [
      s('PasswordRequired', 'Boolean', 'true'),
      { op: 'And', parts: [s('MinimumPasswordLength', 'Int64', '6'), s('RequireEncryption', 'Boolean', 'true')] },
    ],
  );
  expect(androidPasscode, 'android', 'configuration', [COLLECTION.mobilePilot]);
  const orRule = comp(
    'Android Compliance – Either Lock',
    ['android'],
    [{ op: 'Or', parts: [s('PasswordRequired', 'Boolean', 'true'), s('RequireEncryption', 'Boolean', 'true')] }],
  );
  expect(orRule, 'android', 'compliance', [COLLECTION.mobilePilot]);

  // 3. A platform Intune can't target.
  const lumia = cfg('Lumia Fleet – Windows Phone 8.1', ['windowsPhone81'], [s('AllowCamera', 'Boolean', 'false')]);
  expect(lumia, 'windowsPhone81', 'configuration', [COLLECTION.mobileWorkforce]);

  // 4. Out-of-range and overflowing values; a compliance policy with an older revision.
  const iosCompliance = comp(
    'iOS Compliance – Fabrikam',
    ['ios'],
    [
      s('PasswordRequired', 'Boolean', 'true'),
      s('MinimumPasswordLength', 'Int64', '20'),
      s('PasswordExpirationDays', 'Int64', '90'),
      s('MinimumOSVersion', 'String', '12.0'),
    ],
    { version: 2 },
  );
  iosCompliance.older = [
    {
      ciId: 16900010,
      version: 1,
      name: 'iOS Compliance – Fabrikam',
      digest: iosCompliance.digest.replace('>12.0<', '>9.0<').replace('"12.0"', '"9.0"'),
    },
  ];
  expect(iosCompliance, 'ios', 'compliance', [COLLECTION.allUsers]);
  const overflow = cfg(
    'Windows 10 – Screen Lock (overflow)',
    ['windows'],
    [s('PasswordRequired', 'Boolean', 'true'), s('MinimumPasswordLength', 'Int64', '8'), s('IdleTimeBeforeLock', 'Int64', '99999999999')],
  );
  expect(overflow, 'windows', 'configuration', [COLLECTION.seasonal]);

  // 5. Certificates, Wi-Fi, e-mail: a key size Graph has no value for; ConfigMgr's own vocabulary.
  const root = prof(
    'Fabrikam Root CA 2019',
    ['ios'],
    `<TrustedRootCertificate FileName="Fabrikam Root CA 2019.cer">${Buffer.from('0\u0082\u0003\u001dCN=Fabrikam Root CA 2019, O=Fabrikam').toString('base64')}</TrustedRootCertificate>`,
  );
  expect(root, 'ios', 'trustedRoot', [COLLECTION.mobileWorkforce]);
  const scep = prof(
    'Fabrikam SCEP – iOS users',
    ['ios'],
    `<ScepCertificate SubjectNameFormat="CommonName" SubjectAlternativeName="UserPrincipalName" KeySize="3072" KeyUsage="DigitalSignature,KeyEncipherment" ValidityPeriod="2" ValidityUnit="Years" RenewalThreshold="20">` +
      `<RootCertificate ${ref(root.logical)}/><ScepServer Url="https://ndes.fabrikam.com/certsrv/mscep/mscep.dll"/><ExtendedKeyUsage Name="Client Authentication" Oid="1.3.6.1.5.5.7.3.2"/></ScepCertificate>`,
  );
  expect(scep, 'ios', 'scep', [COLLECTION.mobileWorkforce]);
  const annecy = prof(
    "Wi-Fi « Bureau d'Annecy »",
    ['ios'],
    `<WifiProfile Ssid="FAB-Annecy" ConnectAutomatically="true" Hidden="false" Security="WPA2Personal"/>`,
  );
  expect(annecy, 'ios', 'wifi', [COLLECTION.darcyLab], { disabledTo: [COLLECTION.executives] });
  const mail = prof(
    'Fabrikam Mail – Exchange',
    ['ios'],
    `<EmailProfile Host="outlook.fabrikam.com" AccountName="Fabrikam Mail" UserName="sAMAccountName" EmailAddress="mail" UseSsl="true" SyncDuration="OneWeek" SyncCalendar="true" SyncContacts="true" SyncTasks="true" Authentication="UsernameAndPassword"/>`,
  );
  expect(mail, 'ios', 'email', [COLLECTION.mobileWorkforce]);
  const kiosk = cfg(
    'Windows 10 – Kiosk lockdown',
    ['windows'],
    [s('AllowCortana', 'Boolean', 'false'), s('AllowCamera', 'Boolean', 'false')],
  );
  expect(kiosk, 'windows', 'configuration', [COLLECTION.seasonal, COLLECTION.nordicField]);
  const longName = `Fabrikam – ${'Richtlinie für sehr lange Namen '.repeat(9).trim()}`;
  const long = cfg(longName, ['android'], [s('AllowBluetooth', 'Boolean', 'false')]);
  expect(long, 'android', 'configuration', [COLLECTION.executives]);

  // 6. Terms and conditions, as ConfigMgr's hybrid MDM kept them (a CI of their own).
  const terms = ci(
    50,
    'TermsAndConditions',
    'Fabrikam Acceptable Use',
    (l, n) =>
      `<?xml version="1.0" encoding="utf-16"?>\n<DesiredConfigurationDigest xmlns="${DC_NS}"><ConfigurationPolicy AuthoringScopeId="${SCOPE}" LogicalName="${l}" Version="1">` +
      ann(n, '') +
      `<Settings><TermsAndConditions Title="Fabrikam – Acceptable Use" AcceptanceStatement="I accept Fabrikam's terms."><Body>Devices are managed by Fabrikam IT.</Body></TermsAndConditions></Settings></ConfigurationPolicy></DesiredConfigurationDigest>`,
  );
  objects.push({ name: terms.name, platform: 'unknown', kind: 'termsAndConditions', deployedTo: [COLLECTION.allUsers] });
  deploy.set(terms.ciId, { to: [COLLECTION.allUsers], disabledTo: [] });

  // 7. Retired: expired, superseded, hidden, disabled (each still deployed).
  const retired = (def: CiDef, platform: string, kind: string, to: string, why: string) =>
    expect(def, platform, kind, [to], { retired: [why] });
  retired(
    prof(
      'Wi-Fi Gäste (abgelaufen)',
      ['ios'],
      `<WifiProfile Ssid="FAB Gäste" ConnectAutomatically="false" Hidden="false" Security="Open"/>`,
      {
        flags: { expired: true },
      },
    ),
    'ios',
    'wifi',
    COLLECTION.fieldEngineers,
    'expired',
  );
  retired(
    comp('iOS Compliance – 2017 edition', ['ios'], [s('PasswordRequired', 'Boolean', 'true')], { flags: { superseded: true } }),
    'ios',
    'compliance',
    COLLECTION.allUsers,
    'superseded',
  );
  retired(
    cfg('Android – Hidden Test Policy', ['android'], [s('AllowCamera', 'Boolean', 'true')], { flags: { hidden: true } }),
    'android',
    'configuration',
    COLLECTION.mobilePilot,
    'hidden in the console',
  );
  retired(
    cfg('macOS – FileVault (disabled)', ['macos'], [s('PasswordRequired', 'Boolean', 'true')], { flags: { enabled: false } }),
    'macos',
    'configuration',
    COLLECTION.mobileWorkforce,
    'disabled',
  );

  // rows for the CIs (latest and older revisions)
  const ciRow = (ciId: number, def: CiDef, version: number, digest: string, name: string, latest: boolean) => {
    rows.v_ConfigurationItems.push([
      ciId,
      `${SCOPE}/${def.logical}/${version}`,
      `${SCOPE}/${def.logical}`,
      ciId - 16000000,
      def.typeId,
      version,
      def.flags?.hidden ?? false,
      def.flags?.enabled ?? true,
      def.flags?.expired ?? false,
      def.flags?.superseded ?? false,
      SITE_CODE,
      date(ciId % 500),
      date((ciId % 500) + version),
      `${DOMAIN}\\svc-sccm`,
      `${DOMAIN}\\Hélène.D'Arcy`,
      digest,
      latest,
    ]);
    rows.v_LocalizedCIProperties.push([ciId, 1033, name, '']);
  };
  for (const def of cis) {
    ciRow(def.ciId, def, def.version, def.digest, def.name, true);
    for (const o of def.older ?? []) ciRow(o.ciId, def, o.version, o.digest, o.name, false);
  }

  // deployments (policies); the revised CI's deployment names its oldest revision
  let assignmentId = 16950000;
  const ciAssign = (name: string, type: number, collectionId: string, ciId: number, enabled: boolean) => {
    const id = assignmentId++;
    rows.v_CIAssignment.push([
      id,
      `{${guid(id, 0xa55).toUpperCase()}}`,
      name,
      '',
      type,
      1,
      collectionId,
      collectionNames.get(collectionId)!,
      date(id % 300),
      null,
      enabled,
    ]);
    rows.v_CIAssignmentToCI.push([id, ciId]);
    return id;
  };
  for (const def of cis) {
    const d = deploy.get(def.ciId)!;
    const named = def.older?.length ? Math.min(...def.older.map((o) => o.ciId)) : def.ciId;
    for (const to of d.to) ciAssign(`${def.name}_${collectionNames.get(to)}`, 8, to, def === fieldRestrictions ? named : def.ciId, true);
    for (const to of d.disabledTo) ciAssign(`${def.name}_${collectionNames.get(to)} (disabled)`, 8, to, def.ciId, false);
  }

  // applications and deployment types
  interface AppDef {
    name: string;
    publisher: string;
    technology: string;
    args: Record<string, string>;
    file?: string;
    flags?: CiDef['flags'];
    to: { collection: string; offer: 0 | 2; enabled?: boolean }[];
    platform: string;
    kind: string;
    retired?: string;
  }
  const APPS: AppDef[] = [
    {
      name: 'Fabrikam Field App',
      publisher: 'Fabrikam, Inc.',
      technology: 'iOSDeepLink',
      args: {
        PackageUri: 'https://apps.apple.com/us/app/fabrikam-field/id1440000001',
        BundleId: 'com.fabrikam.field',
        MinimumOsVersion: '12.0',
        SupportedDevices: 'iPhone,iPad',
      },
      to: [
        { collection: COLLECTION.fieldEngineers, offer: 0 },
        { collection: COLLECTION.mobilePilot, offer: 2 },
      ],
      platform: 'ios',
      kind: 'iosStore',
    },
    {
      name: 'Scanner Pro für Lager',
      publisher: 'Lagerwerk GmbH',
      technology: 'AndroidDeepLink',
      args: {
        PackageUri: 'https://play.google.com/store/apps/details?id=de.lagerwerk.scanner',
        PackageId: 'de.lagerwerk.scanner',
        MinimumOsVersion: '8.1',
      },
      to: [{ collection: COLLECTION.mobilePilot, offer: 2 }],
      platform: 'android',
      kind: 'androidStore',
    },
    {
      name: "O'Connor's Timesheets",
      publisher: "O'Connor & Sons",
      technology: 'WebApp',
      args: { PackageUri: 'https://timesheets.fabrikam.com/', UseManagedBrowser: 'false' },
      to: [
        { collection: COLLECTION.mobileWorkforce, offer: 2 },
        { collection: COLLECTION.darcyLab, offer: 2, enabled: false },
      ],
      platform: 'unknown',
      kind: 'webApp',
    },
    {
      name: 'Lumia Field Tool',
      publisher: 'Fabrikam, Inc.',
      technology: 'WinPhone8',
      file: 'LumiaFieldTool.xap',
      args: {},
      to: [{ collection: COLLECTION.lumias, offer: 0 }],
      platform: 'unknown',
      kind: 'unsupported',
    },
    {
      name: 'Fabrikam Legacy Portal',
      publisher: 'Fabrikam, Inc.',
      technology: 'WebApp',
      args: { PackageUri: 'https://legacy.fabrikam.com/' },
      flags: { expired: true },
      to: [{ collection: COLLECTION.allUsers, offer: 2 }],
      platform: 'unknown',
      kind: 'webApp',
      retired: 'retired',
    },
    {
      name: 'Fabrikam Field App (2016)',
      publisher: 'Fabrikam, Inc.',
      technology: 'iOSDeepLink',
      args: { PackageUri: 'https://apps.apple.com/us/app/fabrikam-field-2016/id1100000001', BundleId: 'com.fabrikam.field2016' },
      flags: { superseded: true },
      to: [{ collection: COLLECTION.fieldEngineers, offer: 0 }],
      platform: 'ios',
      kind: 'iosStore',
      retired: 'superseded by a newer application',
    },
    {
      name: 'Hidden Beta – Ασφάλεια',
      publisher: 'Fabrikam Labs',
      technology: 'AndroidDeepLink',
      args: { PackageUri: 'https://play.google.com/store/apps/details?id=com.fabrikam.beta', PackageId: 'com.fabrikam.beta' },
      flags: { hidden: true },
      to: [{ collection: COLLECTION.darcyLab, offer: 2 }],
      platform: 'android',
      kind: 'androidStore',
      retired: 'hidden in the console',
    },
    {
      name: 'Kiosk Browser (disabled)',
      publisher: 'Fabrikam, Inc.',
      technology: 'iOSDeepLink',
      args: { PackageUri: 'https://apps.apple.com/us/app/kiosk-browser/id1300000001', BundleId: 'com.fabrikam.kiosk' },
      flags: { enabled: false },
      to: [{ collection: COLLECTION.mobilePilot, offer: 0 }],
      platform: 'ios',
      kind: 'iosStore',
      retired: 'disabled',
    },
  ];
  const appDigest = (logical: string, app: { name: string; publisher: string }, dt: string) =>
    `<?xml version="1.0" encoding="utf-16"?>\n<AppMgmtDigest xmlns="${APP_NS}"><Application AuthoringScopeId="${SCOPE}" LogicalName="${logical}" Version="1">` +
    `<DisplayInfo DefaultLanguage="de-DE"><Info Language="de-DE"><Title>${esc(app.name)}</Title><Publisher>${esc(app.publisher)}</Publisher></Info></DisplayInfo>` +
    `<DeploymentTypes><DeploymentType AuthoringScopeId="${SCOPE}" LogicalName="${dt}" Version="1"/></DeploymentTypes>` +
    `<Title ResourceId="Res_1">${esc(app.name)}</Title><Publisher ResourceId="Res_2">${esc(app.publisher)}</Publisher></Application></AppMgmtDigest>`;
  const dtDigest = (logical: string, name: string, technology: string, args: Record<string, string>, file?: string) =>
    `<?xml version="1.0" encoding="utf-16"?>\n<AppMgmtDigest xmlns="${APP_NS}"><DeploymentType AuthoringScopeId="${SCOPE}" LogicalName="${logical}" Version="1">` +
    `<Title ResourceId="Res_1">${esc(name)}</Title><Technology>${technology}</Technology><Hosting>Native</Hosting>` +
    `<Installer Technology="${technology}">` +
    (file
      ? `<Contents><Content ContentId="Content_${logical.slice(-12)}" Version="1"><File Name="${esc(file)}" Size="4200000"/><Location>\\\\SCCM-FAB.fabrikam.com\\Quellen$\\${esc(name.replace(/\W+/g, ''))}\\</Location></Content></Contents>`
      : '') +
    `<InstallAction><Provider>${technology}</Provider><Args>${Object.entries(args)
      .map(([k, v]) => `<Arg Name="${k}" Type="String">${esc(v)}</Arg>`)
      .join('')}</Args></InstallAction></Installer></DeploymentType></AppMgmtDigest>`;
  const appRow = (
    ciId: number,
    typeId: number,
    logical: string,
    version: number,
    digest: string,
    name: string,
    latest: boolean,
    flags?: CiDef['flags'],
  ) => ciRow(ciId, { ciId, typeId, logical, name, version, digest, flags }, version, digest, name, latest);
  let nextApp = 16960000;
  const appCiIds: number[] = [];
  let revisedApp: FabrikamSite['facts']['revisedApp'] | undefined;
  for (const app of APPS) {
    const logical = logicalOf('Application');
    const dtLogical = logicalOf('DeploymentType');
    const appCiId = nextApp++;
    const dtCiId = nextApp++;
    const version = app === APPS[0] ? 3 : 1;
    appRow(appCiId, 10, logical, version, appDigest(logical, app, dtLogical), app.name, true, app.flags);
    appRow(
      dtCiId,
      21,
      dtLogical,
      version === 3 ? 2 : 1,
      dtDigest(dtLogical, `${app.name} – ${app.technology}`, app.technology, app.args, app.file),
      `${app.name} – ${app.technology}`,
      true,
    );
    rows.v_CIRelation.push([appCiId, dtCiId, 9]);
    appCiIds.push(appCiId);
    let deployedCiId = appCiId;
    if (app === APPS[0]) {
      // Revision 1 of the app (IsLatest = 0) related to revision 1 of its deployment type, with an
      // older store link; the deployment was made then and names that revision.
      const oldApp = nextApp++;
      const oldDt = nextApp++;
      const staleUri = 'https://apps.apple.com/us/app/fabrikam-field-classic/id1000000001';
      appRow(oldApp, 10, logical, 1, appDigest(logical, app, dtLogical), `${app.name} (v1)`, false);
      appRow(
        oldDt,
        21,
        dtLogical,
        1,
        dtDigest(dtLogical, `${app.name} – classic`, app.technology, { ...app.args, PackageUri: staleUri, MinimumOsVersion: '9.0' }),
        `${app.name} – classic`,
        false,
      );
      rows.v_CIRelation.push([oldApp, oldDt, 9]);
      deployedCiId = oldApp;
      revisedApp = {
        name: app.name,
        latestCiId: appCiId,
        olderCiId: oldApp,
        olderDtCiId: oldDt,
        packageUri: app.args.PackageUri,
        staleUri,
      };
    }
    for (const t of app.to) {
      const enabled = t.enabled ?? true;
      const name = `${app.name}_${collectionNames.get(t.collection)}_${t.offer === 0 ? 'Install' : 'Available'}`;
      const id = ciAssign(name, 2, t.collection, deployedCiId, enabled);
      rows.v_ApplicationAssignment.push([
        id,
        name,
        app.name,
        t.collection,
        collectionNames.get(t.collection)!,
        t.offer,
        1,
        date(id % 200),
        false,
        enabled,
      ]);
    }
    objects.push({
      name: app.name,
      platform: app.platform,
      kind: app.kind,
      deployedTo: app.to.filter((t) => t.enabled !== false).map((t) => t.collection),
      ...(app.to.some((t) => t.enabled === false)
        ? { disabledTo: app.to.filter((t) => t.enabled === false).map((t) => t.collection) }
        : {}),
      ...(app.retired ? { retired: [app.retired] } : {}),
    });
  }

  const uid = (def: CiDef) => `${SCOPE}/${def.logical}/${def.version}`;
  return {
    rows,
    people,
    members,
    collectionNames,
    objects,
    facts: {
      revisedCi: {
        name: fieldRestrictions.name,
        latestCiId: fieldRestrictions.ciId,
        olderCiIds: fieldRestrictions.older.map((o) => o.ciId),
        minimumPasswordLength: 8,
      },
      revisedApp: revisedApp!,
      revisedCompliance: { name: iosCompliance.name, latestCiId: iosCompliance.ciId, olderCiId: iosCompliance.older[0].ciId },
      uniqueIds: Object.fromEntries(cis.map((d) => [d.name, uid(d)])),
    },
  };
}

export const FABRIKAM_HEADER =
  '-- Sample ConfigMgr site "Fabrikam" (FAB), generated by src/sandbox/site/fabrikam/generate.ts. Do not edit.';
