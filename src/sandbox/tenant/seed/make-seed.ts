// Builds contoso.seed.json from the sample ConfigMgr site (src/sandbox/site/contoso/generate.ts), so
// the tenant's users and groups line up with the site's: same UPNs, same AD group SIDs.
// Deterministic: ids are derived from the SIDs. Re-run after the site generator changes:
//
//   npx tsx scripts/make-seed.ts
//
// What it adds on purpose (traps the product must handle):
// - users without the INTUNE_A plan (every 9th), without usageLocation (every 13th), with the
//   plan suspended (every 31st); site users without a UPN are not in the tenant (not synced);
// - the AD group "Kiosk Operators" is not synced (no group with its SID);
// - "Marketing" exists twice: the synced CONTOSO group and a FABRIKAM group of the same name
//   with another SID; plus cloud-only groups; the terms and conditions migrated with hybrid MDM.
import { createHash } from 'node:crypto';
import { buildSite, CONTOSO_USERS } from '../../site/contoso/generate';
import type { GraphObject, SandboxSeed } from '../types';

export const TENANT_ID = '00000000-0000-4000-8000-000000000001';
export const INTUNE_A_PLAN = 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5';
const EMS_E3_SKU = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e';
const INTUNE_A_SKU = '061f9ace-7d42-4136-88ac-31dc755f143f';
// Office 365 E3: carries "Mobile Device Management for Office 365" (INTUNE_O365), which is not Intune (domain.md H.3.2).
const O365_E3_SKU = '6fd2c87f-b296-42f0-b197-1e91e994b900';
const INTUNE_O365_PLAN = '882e1d05-acd1-4ccb-8708-6ee03664b117';
const SYNCED_AT = '2019-06-01T08:00:00Z';

export function guidOf(kind: string, key: string): string {
  const h = createHash('sha256').update(`cm2intune-sandbox/${kind}/${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const nickname = (name: string) =>
  name.normalize('NFD').replace(/[^A-Za-z0-9]/g, '') || `group${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;

export function makeSeed(): SandboxSeed {
  const { rows, world } = buildSite({ users: CONTOSO_USERS });
  const users: GraphObject[] = [];
  const userIdByResource = new Map<number, string>();
  const userBySam = new Map<string, GraphObject>();
  let n = 0;
  for (const r of rows.v_R_User) {
    const [resourceId, , sam, , , full, upn, mail, sid] = r as [
      number,
      number,
      string,
      string,
      string,
      string | null,
      string | null,
      string | null,
      string,
    ];
    if (!upn) continue; // not synced to Entra ID yet
    const i = n++;
    const id = guidOf('user', sid);
    const display = full ?? sam;
    const [givenName, ...rest] = display.split(' ');
    const planStatus = i % 31 === 30 ? 'Suspended' : 'Enabled';
    const licensed = i % 9 !== 8 || resourceId === world.demUserId; // the DEM account is licensed (so only the DEM rule keeps its devices)
    const user: GraphObject = {
      id,
      displayName: display,
      givenName,
      surname: rest.join(' ') || null,
      userPrincipalName: upn,
      mail,
      accountEnabled: true,
      usageLocation: i % 13 === 12 ? null : i % 5 === 0 ? 'DE' : 'US',
      onPremisesSecurityIdentifier: sid,
      onPremisesSamAccountName: sam,
      onPremisesDomainName: 'contoso.com',
      onPremisesSyncEnabled: true,
      // Half of the users without Intune have Office 365 E3: a licence, but not the Intune plan (a trap).
      assignedLicenses: licensed
        ? [{ skuId: EMS_E3_SKU, disabledPlans: [] }]
        : i % 2 === 0
          ? [{ skuId: O365_E3_SKU, disabledPlans: [] }]
          : [],
      assignedPlans: licensed
        ? [{ assignedDateTime: SYNCED_AT, capabilityStatus: planStatus, service: 'SCO', servicePlanId: INTUNE_A_PLAN }]
        : i % 2 === 0
          ? [{ assignedDateTime: SYNCED_AT, capabilityStatus: 'Enabled', service: 'SCO', servicePlanId: INTUNE_O365_PLAN }]
          : [],
    };
    users.push(user);
    userIdByResource.set(resourceId, id);
    userBySam.set(sam, user);
  }
  // Cloud-only accounts: no SID, never in ConfigMgr.
  users.push(
    {
      id: guidOf('user', 'cloud-admin'),
      displayName: 'Intune Admin',
      givenName: 'Intune',
      surname: 'Admin',
      userPrincipalName: 'intune.admin@contoso.onmicrosoft.com',
      mail: null,
      accountEnabled: true,
      usageLocation: 'US',
      onPremisesSecurityIdentifier: null,
      onPremisesSyncEnabled: null,
      assignedLicenses: [{ skuId: EMS_E3_SKU, disabledPlans: [] }],
      assignedPlans: [{ assignedDateTime: SYNCED_AT, capabilityStatus: 'Enabled', service: 'SCO', servicePlanId: INTUNE_A_PLAN }],
    },
    {
      id: guidOf('user', 'cloud-guest'),
      displayName: 'Zoë Cloud-Only',
      givenName: 'Zoë',
      surname: 'Cloud-Only',
      userPrincipalName: 'zoe.cloudonly@contoso.com',
      mail: 'zoe.cloudonly@contoso.com',
      accountEnabled: true,
      usageLocation: 'NO',
      onPremisesSecurityIdentifier: null,
      onPremisesSyncEnabled: null,
      assignedLicenses: [],
      assignedPlans: [],
    },
  );

  const membersOf = new Map<string, string[]>();
  for (const [resourceId, group] of rows.v_RA_User_UserGroupName as [number, string][]) {
    const id = userIdByResource.get(resourceId);
    if (id) membersOf.set(group, [...(membersOf.get(group) ?? []), id]);
  }
  const groups: (GraphObject & { members?: string[] })[] = [];
  for (const r of rows.v_R_UserGroup) {
    const [, , , name, unique, , , sid] = r as [number, number, string, string, string, string, string, string];
    if (name === 'Kiosk Operators') continue; // not synced: the product must fall back or create
    groups.push({
      id: guidOf('group', sid),
      displayName: name,
      description: `Synced from ${unique}`,
      mail: null,
      mailEnabled: false,
      mailNickname: nickname(name),
      securityEnabled: true,
      groupTypes: [],
      onPremisesSecurityIdentifier: sid,
      onPremisesSamAccountName: name,
      onPremisesDomainName: 'contoso.com',
      onPremisesNetBiosName: 'CONTOSO',
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: SYNCED_AT,
      securityIdentifier: sid,
      createdDateTime: SYNCED_AT,
      members: membersOf.get(unique) ?? [],
    });
  }
  const cloudGroup = (name: string, members: string[]) => ({
    id: guidOf('group', `cloud/${name}`),
    displayName: name,
    description: 'Cloud-only group',
    mail: null,
    mailEnabled: false,
    mailNickname: nickname(name),
    securityEnabled: true,
    groupTypes: [],
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    securityIdentifier: `S-1-12-1-${parseInt(guidOf('sid', name).slice(0, 8), 16)}-1`,
    createdDateTime: SYNCED_AT,
    members,
  });
  const fabrikamSid = 'S-1-5-21-2146773085-903363285-719344707-5102';
  groups.push(
    {
      ...cloudGroup(
        'Marketing',
        users.slice(0, 3).map((u) => u.id),
      ),
      id: guidOf('group', fabrikamSid),
      description: 'Synced from FABRIKAM\\Marketing (another forest: same name, other SID)',
      onPremisesSecurityIdentifier: fabrikamSid,
      onPremisesSamAccountName: 'Marketing',
      onPremisesDomainName: 'fabrikam.com',
      onPremisesNetBiosName: 'FABRIKAM',
      onPremisesSyncEnabled: true,
      securityIdentifier: fabrikamSid,
    },
    cloudGroup('Intune Administrators', [users[users.length - 2].id]),
    cloudGroup(
      "Zoë's Mobile Pilot – Oslo",
      users.slice(10, 15).map((u) => u.id),
    ),
  );

  // Managed devices: the mobile devices enrolled through hybrid MDM (ConfigMgr's ClientType 3),
  // managed by ConfigMgr's authority until the world moves them (docs/sandbox.md: the fields are
  // an assumption, Graph never documented how a hybrid device looked). PCs run the ConfigMgr client.
  const owner = new Map((rows.v_UsersPrimaryMachines as [number, number][]).map(([u, m]) => [m, u]));
  const guidOfDevice = new Map((rows.v_R_System as [number, number, string, string][]).map(([id, , , g]) => [id, g]));
  const managedDevices: GraphObject[] = [];
  // The world starts settled: a licensed user outside the subscription collection already has
  // their devices in Intune (mixed authority); everyone else's are hybrid.
  const subscribed = new Set((rows.v_FullCollectionMembership as [string, number][]).filter(([c]) => c === 'P0100014').map(([, id]) => id));
  const intunePlan = (u: GraphObject) =>
    (u.assignedPlans as { servicePlanId: string; capabilityStatus: string }[]).some(
      (p) => p.servicePlanId === INTUNE_A_PLAN && p.capabilityStatus === 'Enabled',
    );
  for (const r of rows.v_CombinedDeviceResources) {
    const [machineId, name, os, deviceOwner, clientType, , , eas, imei, serial, lastActive] = r as [
      number,
      string,
      string,
      number,
      number,
      boolean,
      string | null,
      string | null,
      string | null,
      string,
      string,
    ];
    if (clientType !== 3) continue;
    const ownerResource = owner.get(machineId);
    const ownerId = ownerResource === undefined ? undefined : userIdByResource.get(ownerResource);
    if (ownerResource !== undefined && !ownerId) continue; // its user is not synced to Entra ID: it could not enroll
    const user = ownerId ? users.find((u) => u.id === ownerId)! : undefined;
    const platform = /iOS/.test(os) ? 'iOS' : /Android/.test(os) ? 'Android' : /OS X/.test(os) ? 'macOS' : 'Windows';
    const dem = world.demDeviceIds.includes(machineId);
    const smsGuid = guidOfDevice.get(machineId)!;
    managedDevices.push({
      id: guidOf('device', smsGuid),
      deviceName: name,
      userId: user?.id ?? '',
      userPrincipalName: user?.userPrincipalName ?? '',
      userDisplayName: user?.displayName ?? '',
      emailAddress: user?.mail ?? '',
      operatingSystem: platform,
      osVersion: os.replace(/^\D+/, ''),
      managementAgent: user && !dem && !subscribed.has(ownerResource!) && intunePlan(user) ? 'mdm' : 'configurationManagerClientMdm',
      managementState: 'managed',
      managedDeviceOwnerType: deviceOwner === 2 ? 'personal' : 'company',
      deviceEnrollmentType: dem
        ? 'deviceEnrollmentManager'
        : user
          ? 'userEnrollment'
          : platform === 'iOS' || platform === 'macOS'
            ? 'appleBulkWithoutUser'
            : platform === 'Windows'
              ? 'windowsBulkUserless'
              : 'unknown',
      complianceState: 'compliant',
      enrolledDateTime: SYNCED_AT,
      lastSyncDateTime: `${lastActive.replace(' ', 'T')}Z`,
      serialNumber: serial,
      imei: imei ?? '',
      easDeviceId: eas ?? '',
      azureADDeviceId: guidOf('aad-device', smsGuid),
    });
  }
  void userBySam;

  return {
    tenantId: TENANT_ID,
    organization: {
      displayName: 'Contoso',
      mobileDeviceManagementAuthority: 'sccm',
      verifiedDomains: [
        { capabilities: 'Email, OfficeCommunicationsOnline', isDefault: true, isInitial: false, name: 'contoso.com', type: 'Managed' },
        {
          capabilities: 'Email, OfficeCommunicationsOnline',
          isDefault: false,
          isInitial: true,
          name: 'contoso.onmicrosoft.com',
          type: 'Managed',
        },
      ],
    },
    subscribedSkus: [
      {
        id: `${TENANT_ID}_${EMS_E3_SKU}`,
        skuId: EMS_E3_SKU,
        skuPartNumber: 'EMS',
        appliesTo: 'User',
        capabilityStatus: 'Enabled',
        consumedUnits: users.filter((u) => (u.assignedLicenses as { skuId: string }[]).some((l) => l.skuId === EMS_E3_SKU)).length,
        prepaidUnits: { enabled: 600, suspended: 0, warning: 0 },
        servicePlans: [{ servicePlanId: INTUNE_A_PLAN, servicePlanName: 'INTUNE_A', provisioningStatus: 'Success', appliesTo: 'User' }],
      },
      {
        id: `${TENANT_ID}_${O365_E3_SKU}`,
        skuId: O365_E3_SKU,
        skuPartNumber: 'ENTERPRISEPACK',
        appliesTo: 'User',
        capabilityStatus: 'Enabled',
        consumedUnits: users.filter((u) => (u.assignedLicenses as { skuId: string }[]).some((l) => l.skuId === O365_E3_SKU)).length,
        prepaidUnits: { enabled: 100, suspended: 0, warning: 0 },
        servicePlans: [
          { servicePlanId: INTUNE_O365_PLAN, servicePlanName: 'INTUNE_O365', provisioningStatus: 'Success', appliesTo: 'User' },
        ],
      },
      {
        id: `${TENANT_ID}_${INTUNE_A_SKU}`,
        skuId: INTUNE_A_SKU,
        skuPartNumber: 'INTUNE_A',
        appliesTo: 'User',
        capabilityStatus: 'Enabled',
        consumedUnits: 0,
        prepaidUnits: { enabled: 25, suspended: 0, warning: 0 },
        servicePlans: [{ servicePlanId: INTUNE_A_PLAN, servicePlanName: 'INTUNE_A', provisioningStatus: 'Success', appliesTo: 'User' }],
      },
    ],
    users,
    groups,
    managedDevices,
    // Healthy on NDES02; an old, inactive one on NDES01, the host of ConfigMgr's certificate registration point (B.1: must differ).
    ndesConnectors: [
      {
        id: guidOf('ndes', 'ndes02'),
        displayName: 'NDES02.contoso.com',
        machineName: 'NDES02.contoso.com',
        state: 'active',
        lastConnectionDateTime: '2019-08-30T11:55:00Z',
        enrolledDateTime: '2019-07-01T09:00:00Z',
        connectorVersion: '6.1905.0.404',
        roleScopeTagIds: ['0'],
      },
      {
        id: guidOf('ndes', 'ndes01'),
        displayName: 'NDES01.contoso.com',
        machineName: 'NDES01.contoso.com',
        state: 'inactive',
        lastConnectionDateTime: '2019-05-14T16:20:00Z',
        enrolledDateTime: '2019-05-14T15:00:00Z',
        connectorVersion: '6.1811.0.13',
        roleScopeTagIds: ['0'],
      },
    ],
    exchangeConnectors: [
      {
        id: guidOf('exchange', 'mail'),
        exchangeConnectorType: 'onPremises',
        status: 'connected',
        serverName: 'mail.contoso.com',
        connectorServerName: 'EXCON01',
        primarySmtpAddress: 'intune.connector@contoso.com',
        exchangeAlias: 'intuneconnector',
        exchangeOrganization: 'Contoso',
        version: '15.1.1713.5',
        lastSyncDateTime: '2019-08-30T11:00:00Z',
      },
    ],
    // Phase 4's attention list (domain.md §B.3): Contoso's DEP token and VPP token, set up in
    // ConfigMgr, and an enrollment restriction that blocks Android for Work (shown Blocked after the switch).
    depOnboardingSettings: [
      {
        id: guidOf('dep', 'contoso'),
        appleIdentifier: 'mdm-admin@contoso.com',
        tokenName: 'Contoso DEP',
        tokenType: 'dep',
        tokenExpirationDateTime: '2020-06-30T00:00:00Z',
        lastSuccessfulSyncDateTime: '2019-08-30T06:00:00Z',
        lastSyncErrorCode: 0,
        syncedDeviceCount: 4,
        shareTokenWithSchoolDataSyncService: false,
      },
    ],
    vppTokens: [
      {
        id: guidOf('vpp', 'contoso'),
        organizationName: 'Contoso Ltd',
        vppTokenAccountType: 'business',
        appleId: 'vpp@contoso.com',
        expirationDateTime: '2020-03-31T00:00:00Z',
        lastSyncDateTime: '2019-08-30T06:00:00Z',
        lastSyncStatus: 'completed',
        state: 'valid',
        countryOrRegion: 'us',
        automaticallyUpdateApps: true,
      },
    ],
    deviceEnrollmentConfigurations: [
      {
        '@odata.type': '#microsoft.graph.deviceEnrollmentPlatformRestrictionsConfiguration',
        id: guidOf('enrollment', 'restrictions'),
        displayName: 'All users and all devices',
        description:
          'This is the default Device Type Restriction applied with the lowest priority to all users regardless of group membership.',
        priority: 0,
        version: 1,
        iosRestriction: { platformBlocked: false, personalDeviceEnrollmentBlocked: false },
        androidRestriction: { platformBlocked: false, personalDeviceEnrollmentBlocked: false },
        androidForWorkRestriction: { platformBlocked: true, personalDeviceEnrollmentBlocked: false },
        macOSRestriction: { platformBlocked: false, personalDeviceEnrollmentBlocked: true },
        windowsRestriction: { platformBlocked: false, personalDeviceEnrollmentBlocked: false },
        windowsMobileRestriction: { platformBlocked: true, personalDeviceEnrollmentBlocked: false },
      },
      {
        '@odata.type': '#microsoft.graph.deviceEnrollmentLimitConfiguration',
        id: guidOf('enrollment', 'limit'),
        displayName: 'All users and all devices',
        description:
          'This is the default Device Limit Restriction applied with the lowest priority to all users regardless of group membership.',
        priority: 0,
        version: 1,
        limit: 5,
      },
    ],
    // Hybrid T&C migrate to Intune by themselves: the product should assign it, not recreate it.
    termsAndConditions: [
      {
        '@odata.type': '#microsoft.graph.termsAndConditions',
        id: guidOf('terms', 'contoso'),
        displayName: 'Contoso Terms of Use',
        description: 'Migrated from ConfigMgr',
        title: 'Contoso – Terms of Use',
        bodyText: "Company devices are managed by Contoso IT. Don't store customer data outside managed apps.",
        acceptanceStatement: 'I accept the Contoso terms of use.',
        version: 1,
        createdDateTime: SYNCED_AT,
        lastModifiedDateTime: SYNCED_AT,
      },
    ],
  };
}
