// Hand-built, realistic SiteObjects / site models for translation and analysis tests.
// Unique ids look like ConfigMgr's (`ScopeId_<GUID>/<Type>_<GUID>/<revision>`).
import type {
  AppPackage,
  Application,
  CiAssignment,
  Collection,
  ComplianceObject,
  ConfigurationObject,
  EmailObject,
  PfxObject,
  Platform,
  ScepObject,
  SiteModel,
  TrustedRootObject,
  User,
  UserGroup,
  VpnObject,
  WifiObject,
} from '../../src/core/site/model';

export const SCOPE = 'ScopeId_7E3D2B1C-4F5A-4C1B-9D2E-5A6B7C8D9E0F';
let serial = 0;

/** A fresh, well-formed unique id; `n` makes it deterministic. */
export function uid(type = 'ConfigurationPolicy', n = ++serial, revision = 1): string {
  const hex = n.toString(16).padStart(12, '0').toUpperCase();
  return `${SCOPE}/${type}_A1B2C3D4-0000-4000-8000-${hex}/${revision}`;
}

const base = (platform: Platform, name: string, uniqueId: string, ciId: number) => ({
  ciId,
  uniqueId,
  name,
  description: '',
  platform,
  problems: [] as string[],
  unknownSettings: [] as { name: string; value: string }[],
});

export function configuration(over: Partial<ConfigurationObject> = {}): ConfigurationObject {
  return {
    ...base('ios', 'iOS – Passcode & restrictions (Zoë’s team)', uid('OperatingSystem'), 16777301),
    kind: 'configuration',
    settings: {},
    kioskMode: null,
    omaSettings: [],
    appleProfile: null,
    ...over,
  };
}

export function compliance(over: Partial<ComplianceObject> = {}): ComplianceObject {
  return { ...base('ios', "Contoso's iOS compliance", uid('CompliancePolicy'), 16777401), kind: 'compliance', settings: {}, ...over };
}

export function trustedRoot(over: Partial<TrustedRootObject> = {}): TrustedRootObject {
  return {
    ...base('ios', 'Contoso Root CA – G2', uid('TrustedRootCertificate'), 16777501),
    kind: 'trustedRoot',
    certFileName: 'ContosoRootCA.cer',
    certificateBase64: 'MIIDdzCCAl+gAwIBAgIQ',
    ...over,
  };
}

export function scep(over: Partial<ScepObject> = {}): ScepObject {
  return {
    ...base('ios', 'Contoso user certificate (Wi-Fi & VPN)', uid('ScepCertificate'), 16777601),
    kind: 'scep',
    rootCertificate: null,
    scepServerUrls: ['https://cm01.contoso.com/CMCertificateRegistration'],
    subjectNameFormat: 'commonNameIncludingEmail',
    subjectAlternativeName: 'userPrincipalName',
    keySize: 2048,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsages: [{ name: 'Client Authentication', objectIdentifier: '1.3.6.1.5.5.7.3.2' }],
    validityValue: 1,
    validityScale: 'years',
    renewalThresholdPercentage: 20,
    ...over,
  };
}

export function pfx(over: Partial<PfxObject> = {}): PfxObject {
  return {
    ...base('ios', 'S/MIME signing (PFX)', uid('PfxCertificate'), 16777651),
    kind: 'pfx',
    certificationAuthority: 'ca01.contoso.com\\Contoso Issuing CA',
    certificateTemplateName: 'ContosoSMIME',
    rootCertificate: null,
    ...over,
  };
}

export function wifi(over: Partial<WifiObject> = {}): WifiObject {
  return {
    ...base('ios', 'Contoso Corp Wi-Fi', uid('WifiProfile'), 16777701),
    kind: 'wifi',
    ssid: 'CONTOSO-CORP',
    connectAutomatically: true,
    connectWhenNetworkNameIsHidden: false,
    security: 'wpa2Personal',
    eapType: null,
    rootCertificates: [],
    identityCertificate: null,
    trustedServerCertificateNames: [],
    proxy: null,
    ...over,
  };
}

export function vpn(over: Partial<VpnObject> = {}): VpnObject {
  return {
    ...base('ios', 'Contoso VPN (Pulse)', uid('VpnProfile'), 16777801),
    kind: 'vpn',
    connectionName: 'Contoso VPN',
    connectionType: 'pulseSecure',
    servers: [{ address: 'vpn.contoso.com', description: 'Main gateway', isDefault: true }],
    authenticationMethod: 'usernameAndPassword',
    identityCertificate: null,
    sendAllTraffic: true,
    ...over,
  };
}

export function email(over: Partial<EmailObject> = {}): EmailObject {
  return {
    ...base('ios', 'Contoso Exchange – Mail', uid('EmailProfile'), 16777901),
    kind: 'email',
    hostName: 'mail.contoso.com',
    accountName: 'Contoso Mail',
    usernameSource: 'userPrincipalName',
    emailAddressSource: 'primarySmtpAddress',
    requireSsl: true,
    durationOfEmailToSync: 'twoWeeks',
    syncCalendar: true,
    syncContacts: true,
    syncTasks: false,
    authenticationMethod: 'usernameAndPassword',
    identityCertificate: null,
    ...over,
  };
}

export function application(over: Partial<Application> = {}): Application {
  return {
    ciId: 16778001,
    uniqueId: uid('Application'),
    name: 'Contoso Expenses',
    publisher: 'Contoso Ltd.',
    description: '',
    isSuperseded: false,
    deploymentTypes: [],
    ...over,
  };
}

export const iosStorePackage: AppPackage = {
  kind: 'iosStore',
  appStoreUrl: 'https://itunes.apple.com/us/app/microsoft-outlook/id951937596',
  bundleId: 'com.microsoft.Office.Outlook',
  minimumOsVersion: '10.3',
  iPad: true,
  iPhone: true,
};

// ---- site model pieces ----

export function collection(over: Partial<Collection> & { id: string }): Collection {
  return { name: over.id, type: 'user', limitToCollectionId: 'SMS00002', memberCount: 0, rules: [], memberResourceIds: [], ...over };
}

export function user(over: Partial<User> & { resourceId: number }): User {
  return {
    uniqueName: `CONTOSO\\u${over.resourceId}`,
    domain: 'CONTOSO',
    fullName: null,
    upn: null,
    mail: null,
    sid: null,
    groupNames: [],
    ...over,
  };
}

export function userGroup(over: Partial<UserGroup> & { resourceId: number; name: string }): UserGroup {
  return { uniqueName: `CONTOSO\\${over.name}`, domain: 'CONTOSO', sid: null, ...over };
}

export function ciAssignment(over: Partial<CiAssignment> & { collectionId: string; ciIds: number[] }): CiAssignment {
  return { assignmentId: 16777000 + ++serial, uniqueId: `{${serial}}`, name: 'deployment', assignmentType: 0, ...over };
}

export function site(over: Partial<SiteModel> = {}): SiteModel {
  return {
    siteCode: 'P01',
    origin: 'test',
    collections: [],
    users: [],
    userGroups: [],
    devices: [],
    affinities: [],
    configurationItems: [],
    baselines: [],
    ciAssignments: [],
    applications: [],
    appAssignments: [],
    ...over,
  };
}
