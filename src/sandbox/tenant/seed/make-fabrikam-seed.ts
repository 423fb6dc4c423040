// Builds fabrikam.seed.json from the second sample site (src/sandbox/site/fabrikam/generate.ts):
// the Fabrikam tenant, with traps the import must not fall into (issue 11):
// - every site user is synced, by SID; the ones ConfigMgr knows without a UPN have one in Entra ID;
// - synced groups whose members differ from their collection's effective members: "Sales – Nordics"
//   (the collection is limited to Field Engineers), "Contractors" (stale: sync lag);
// - same-name cloud groups with other members: "All Users" (cloud-only accounts too) and
//   "Führungskräfte & Vorstand"; two cloud groups named "D'Arcy Lab";
// - a hand-made policy and app with a CI's name but no marker, and a marker on the wrong type;
// - the hybrid terms and conditions, already in the tenant.
//   npx tsx scripts/generate-fabrikam.ts
import { guidOf } from './make-seed';
import { buildFabrikam, SID_BASE, type FabrikamSite } from '../../site/fabrikam/generate';
import type { GraphObject, SandboxSeed } from '../types';

export const FABRIKAM_TENANT_ID = '00000000-0000-4000-8000-00000000fab1';
const SYNCED_AT = '2019-05-20T07:00:00Z';

export function makeFabrikamSeed(site: FabrikamSite = buildFabrikam()): SandboxSeed {
  const users: GraphObject[] = site.people.map((p) => ({
    id: guidOf('fab-user', p.sid),
    displayName: p.fullName,
    userPrincipalName: p.upn ?? `${p.sam}@fabrikam.onmicrosoft.com`,
    accountEnabled: true,
    onPremisesSecurityIdentifier: p.sid,
    onPremisesSyncEnabled: true,
  }));
  const cloudOnly: GraphObject[] = ['Partner Auditor', 'Temp Admin', 'Zoë Guest'].map((name) => ({
    id: guidOf('fab-user', `cloud/${name}`),
    displayName: name,
    userPrincipalName: `${name.toLowerCase().replace(/\W+/g, '.')}@fabrikam.onmicrosoft.com`,
    accountEnabled: true,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
  }));
  const idOf = (index: number) => users[index].id;
  const inGroup = (name: string) => site.people.filter((p) => p.groups.includes(name)).map((p) => p.index);
  const synced = (name: string, rid: number, members: number[]) => ({
    id: guidOf('fab-group', `${SID_BASE}-${rid}`),
    displayName: name,
    description: `Synced from FABRIKAM\\${name}`,
    mailEnabled: false,
    mailNickname: name.normalize('NFD').replace(/[^A-Za-z0-9]/g, ''),
    securityEnabled: true,
    groupTypes: [],
    onPremisesSecurityIdentifier: `${SID_BASE}-${rid}`,
    onPremisesSyncEnabled: true,
    onPremisesLastSyncDateTime: SYNCED_AT,
    securityIdentifier: `${SID_BASE}-${rid}`,
    members: members.map(idOf),
  });
  const cloud = (name: string, key: string, members: string[]) => ({
    id: guidOf('fab-group', `cloud/${key}`),
    displayName: name,
    description: 'Cloud-only group, made by hand',
    mailEnabled: false,
    mailNickname: `cloud${key.replace(/[^A-Za-z0-9]/g, '')}`,
    securityEnabled: true,
    groupTypes: [],
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    members,
  });
  const contractors = inGroup('Contractors');
  const execs = inGroup('Führungskräfte');
  const groups = [
    synced('Field Engineers', 7101, inGroup('Field Engineers')),
    synced('Sales – Nordics', 7102, inGroup('Sales – Nordics')),
    // Sync lag: three contractors left the AD group in Entra ID, four others not (yet) removed.
    synced('Contractors', 7105, [...contractors.slice(3), 1, 2, 3, 4]),
    synced('Mobile Pilot', 7106, inGroup('Mobile Pilot')),
    cloud('All Users', 'all-users', [...cloudOnly.map((u) => u.id), ...site.people.slice(0, 30).map((p) => idOf(p.index))]),
    cloud("D'Arcy Lab", 'darcy-1', inGroup("D'Arcy Lab").slice(0, 10).map(idOf)),
    cloud("D'Arcy Lab", 'darcy-2', [idOf(5), idOf(6)]),
    cloud('Führungskräfte & Vorstand', 'execs', [...execs.slice(0, 2).map(idOf), idOf(11), idOf(12), cloudOnly[1].id]),
  ];

  const key = (name: string, variant: string) => `${site.facts.uniqueIds[name].replace(/\/\d+$/, '')}#${variant}`;
  return {
    tenantId: FABRIKAM_TENANT_ID,
    organization: { displayName: 'Fabrikam', mobileDeviceManagementAuthority: 'sccm', verifiedDomains: [] },
    users: [...users, ...cloudOnly],
    groups,
    deviceConfigurations: [
      // Hand-made in the portal with a CI's name, no marker.
      {
        '@odata.type': '#microsoft.graph.androidGeneralDeviceConfiguration',
        displayName: 'Android Work – Passcode & Encryption',
        description: 'Made by hand while testing Intune',
        passwordRequired: true,
        passwordMinimumLength: 4,
      },
      // A marker on the wrong type: an Android policy claims to be the iOS Wi-Fi profile.
      {
        '@odata.type': '#microsoft.graph.androidGeneralDeviceConfiguration',
        displayName: "Wi-Fi « Bureau d'Annecy »",
        description: `Copied from another object in the portal\n\n[cm2intune:${key("Wi-Fi « Bureau d'Annecy »", 'ios')}]`,
        cameraBlocked: true,
      },
    ],
    mobileApps: [
      {
        '@odata.type': '#microsoft.graph.androidStoreApp',
        displayName: 'Scanner Pro für Lager',
        description: 'Added by hand from the Play store',
        publisher: 'Lagerwerk GmbH',
        appStoreUrl: 'https://play.google.com/store/apps/details?id=de.lagerwerk.scanner',
        minimumSupportedOperatingSystem: { v5_0: true },
      },
    ],
    termsAndConditions: [
      {
        '@odata.type': '#microsoft.graph.termsAndConditions',
        displayName: 'Fabrikam Acceptable Use',
        description: 'Migrated from ConfigMgr',
        title: 'Fabrikam – Acceptable Use',
        bodyText: 'Devices are managed by Fabrikam IT.',
        acceptanceStatement: "I accept Fabrikam's terms.",
        version: 1,
      },
    ],
  };
}
