// The ConfigMgr site as plain data: what a SiteSource reads (SQL or snapshot) and what the
// analysis and translation consume. Raw rows stay raw here (digests as XML text); the typed
// reading of a digest is `SiteObject` below, produced by `site/sdm`.

export type Platform = 'ios' | 'android' | 'windows' | 'macos';

/** Site-wide identity of a ConfigMgr object: `CI_UniqueID` for CIs and apps. */
export type UniqueId = string;

export interface SiteModel {
  siteCode: string;
  /** Where it was read from, for messages: `sql://server:port/db` or the snapshot path. */
  origin: string;
  collections: Collection[];
  users: User[];
  userGroups: UserGroup[];
  devices: Device[];
  /** User-device affinity (`v_UsersPrimaryMachines`). */
  affinities: Affinity[];
  /** Configuration items of every kind, with their digests (`v_ConfigurationItems`). */
  configurationItems: ConfigurationItem[];
  baselines: Baseline[];
  ciAssignments: CiAssignment[];
  applications: Application[];
  appAssignments: AppAssignment[];
  /** Site system roles (`v_SystemResourceList`); absent in snapshots exported before it was read. */
  siteSystems?: SiteSystem[];
  /** `v_Site.BuildNumber` of this site (8458 = 1610); absent in snapshots exported before it was read. */
  buildNumber?: number;
}

/** A site system role on a server: `SMS Certificate Registration Point` on `NDES01.contoso.com`. */
export interface SiteSystem {
  serverName: string;
  roleName: string;
}

export type CollectionType = 'user' | 'device' | 'other';

export interface Collection {
  id: string; // CollectionID, e.g. P0100014; All Users = SMS00002
  name: string;
  type: CollectionType;
  limitToCollectionId: string | null;
  memberCount: number;
  rules: CollectionRule[];
  /** ResourceIDs from `v_FullCollectionMembership`. */
  memberResourceIds: number[];
  /** `v_Collection.LastChangeTime` (ISO, read as UTC): when its rules last changed; absent when unknown. */
  lastChangeTime?: string;
}

export type CollectionRule =
  | { kind: 'query'; name: string; queryId: number; wql: string }
  | { kind: 'direct'; name: string; resourceId: number }
  | { kind: 'include'; collectionId: string }
  | { kind: 'exclude'; collectionId: string };

export interface User {
  resourceId: number;
  /** `Unique_User_Name0`: DOMAIN\user. */
  uniqueName: string;
  domain: string;
  fullName: string | null;
  upn: string | null;
  mail: string | null;
  sid: string | null;
  /** `v_RA_User_UserGroupName.User_Group_Name0`: DOMAIN\Group names. */
  groupNames: string[];
}

export interface UserGroup {
  resourceId: number;
  /** `Unique_Usergroup_Name0`: DOMAIN\Group. */
  uniqueName: string;
  name: string;
  domain: string;
  sid: string | null;
}

export interface Device {
  resourceId: number;
  name: string;
}

export interface Affinity {
  userResourceId: number;
  deviceResourceId: number;
}

export interface ConfigurationItem {
  ciId: number;
  uniqueId: UniqueId;
  modelName: string;
  ciTypeId: number;
  name: string; // localized display name (LocaleID 1033, falling back to the first one)
  description: string;
  version: number;
  isEnabled: boolean;
  isExpired: boolean;
  /** Absent in snapshots written before these were read: taken as false. */
  isSuperseded?: boolean;
  isHidden?: boolean;
  dateLastModified: string; // ISO 8601
  /** `SDMPackageDigest` as XML text. */
  digest: string;
  /** What the reader could not take from the row (e.g. a NULL CI_UniqueID): the object is listed, never importable. */
  problems?: string[];
}

export interface Baseline {
  ciId: number;
  uniqueId: UniqueId;
  name: string;
  memberCiIds: number[];
  /** Why the baseline itself is retired (expired, disabled, …): its deployments count as disabled. Absent = current. */
  retired?: string[];
}

export interface CiAssignment {
  assignmentId: number;
  uniqueId: string;
  name: string;
  collectionId: string;
  /** CIs this deployment targets (`v_CIAssignmentToCI`): a baseline, a policy or a profile. */
  ciIds: number[];
  assignmentType: number; // 0 baseline, 8 policy (SMS_CIAssignmentBaseClass)
  /** `AssignmentEnabled`; absent (older snapshots) = enabled. */
  enabled?: boolean;
}

export interface Application {
  ciId: number;
  uniqueId: UniqueId;
  name: string;
  publisher: string;
  description: string;
  isSuperseded: boolean;
  /** Retired in the console (`IsExpired`), hidden, disabled; absent (older snapshots) = false, false, true. */
  isExpired?: boolean;
  isHidden?: boolean;
  isEnabled?: boolean;
  deploymentTypes: DeploymentType[];
  /** As for ConfigurationItem: each of its packages is listed as not importable, with these. */
  problems?: string[];
}

export interface DeploymentType {
  ciId: number;
  uniqueId: UniqueId;
  name: string;
  /** ConfigMgr technology of the deployment type, e.g. `iOSDeepLink`, `Android`, `WebApp`. */
  technology: string;
  digest: string;
}

export type AppIntent = 'required' | 'available' | 'uninstall';

export interface AppAssignment {
  assignmentId: number;
  name: string;
  applicationCiId: number;
  collectionId: string;
  intent: AppIntent;
  /** `AssignmentEnabled`; absent (older snapshots) = enabled. */
  enabled?: boolean;
}

// ---- The typed reading of a digest (produced by site/sdm, consumed by translate/) ----

export type SettingValue = string | number | boolean | string[];

/** A digest setting the parser did not understand: kept so verdicts can name it. */
export interface UnknownSetting {
  name: string;
  value: string;
}

interface SiteObjectBase {
  ciId: number;
  uniqueId: UniqueId;
  name: string;
  description: string;
  platform: Platform;
  /** Digest-level problems (unparsable XML, DTD/entities present): the object is not importable. */
  problems: string[];
  unknownSettings: UnknownSetting[];
  /** Settings cm2intune knows, but not on this platform (a multi-platform CI split per platform). */
  droppedSettings?: string[];
  /**
   * Every setting the digest holds, by its digest name (a rule's SettingLogicalName, `OMA-URI <uri>`,
   * or a profile's payload attribute / child element), once each: the settings whose outcome the
   * translation must account for. Absent for objects built by hand in tests.
   */
  settingsRead?: string[];
  /** What the digest says that Intune can't express faithfully (an Or rule, a `>=` rule): blocks the object. */
  unmappable?: string[];
  /** The platform the digest targets when Intune can't target it (`Windows Phone 8.1`, `unknown`): blocks the object. */
  untargetable?: string;
  /** Platforms the CI also targets that Intune can't (the object for the other platforms is imported). */
  lostPlatforms?: string[];
}

/**
 * General configuration item. `settings` keys are the catalogue names in `site/sdm/catalog.ts`
 * (camelCase, close to Graph's names); `kioskMode` holds kiosk settings, never importable.
 */
export interface ConfigurationObject extends SiteObjectBase {
  kind: 'configuration';
  settings: Record<string, SettingValue>;
  kioskMode: Record<string, SettingValue> | null;
  /** Custom payloads: OMA-URI settings (Windows/Android) or an Apple configuration profile. */
  omaSettings: { name: string; omaUri: string; dataType: 'string' | 'integer' | 'boolean'; value: string }[];
  appleProfile: { fileName: string; payloadBase64: string } | null;
}

export interface ComplianceObject extends SiteObjectBase {
  kind: 'compliance';
  settings: Record<string, SettingValue>;
}

export interface TrustedRootObject extends SiteObjectBase {
  kind: 'trustedRoot';
  certFileName: string;
  certificateBase64: string;
}

export interface ScepObject extends SiteObjectBase {
  kind: 'scep';
  rootCertificate: UniqueId | null;
  scepServerUrls: string[];
  subjectNameFormat:
    'commonName' | 'commonNameIncludingEmail' | 'commonNameAsEmail' | 'custom' | 'commonNameAsIMEI' | 'commonNameAsSerialNumber';
  /** Graph's subjectAlternativeNameType flags, comma-separated when several (`userPrincipalName,emailAddress`). */
  subjectAlternativeName: string;
  /** As the digest says; the translation checks it against Graph's keySize enum (size1024/2048/4096). */
  keySize: number;
  keyUsage: ('keyEncipherment' | 'digitalSignature')[];
  extendedKeyUsages: { name: string; objectIdentifier: string }[];
  validityValue: number;
  validityScale: 'days' | 'months' | 'years';
  renewalThresholdPercentage: number;
  /** Graph's keyStorageProvider (Windows only), when the digest names one. */
  keyStorageProvider?:
    'useTpmKspOtherwiseUseSoftwareKsp' | 'useTpmKspOtherwiseFail' | 'usePassportForWorkKspOtherwiseFail' | 'useSoftwareKsp';
}

export interface PfxObject extends SiteObjectBase {
  kind: 'pfx';
  certificationAuthority: string;
  certificateTemplateName: string;
  rootCertificate: UniqueId | null;
}

export type WifiSecurity = 'open' | 'wep' | 'wpaPersonal' | 'wpa2Personal' | 'wpaEnterprise' | 'wpa2Enterprise';
export type EapType = 'eapTls' | 'peap' | 'eapTtls' | 'leap' | 'eapSim' | 'eapFast';

export interface WifiObject extends SiteObjectBase {
  kind: 'wifi';
  ssid: string;
  connectAutomatically: boolean;
  connectWhenNetworkNameIsHidden: boolean;
  security: WifiSecurity;
  /** Enterprise only. */
  eapType: EapType | null;
  rootCertificates: UniqueId[];
  identityCertificate: UniqueId | null;
  trustedServerCertificateNames: string[];
  proxy: { host: string; port: number } | null;
}

export type VpnConnectionType =
  | 'ciscoAnyConnect'
  | 'pulseSecure'
  | 'f5EdgeClient'
  | 'dellSonicWallMobileConnect'
  | 'checkPointCapsuleVpn'
  | 'ikEv2'
  | 'l2tp'
  | 'pptp'
  | 'microsoftAutomatic';

export interface VpnObject extends SiteObjectBase {
  kind: 'vpn';
  connectionName: string;
  connectionType: VpnConnectionType;
  servers: { address: string; description: string; isDefault: boolean }[];
  authenticationMethod: 'certificate' | 'usernameAndPassword';
  identityCertificate: UniqueId | null;
  sendAllTraffic: boolean;
}

export interface EmailObject extends SiteObjectBase {
  kind: 'email';
  hostName: string;
  accountName: string;
  usernameSource: 'userPrincipalName' | 'primarySmtpAddress' | 'samAccountName';
  emailAddressSource: 'userPrincipalName' | 'primarySmtpAddress';
  requireSsl: boolean;
  durationOfEmailToSync: 'userDefined' | 'oneDay' | 'threeDays' | 'oneWeek' | 'twoWeeks' | 'oneMonth' | 'unlimited';
  syncCalendar: boolean;
  syncContacts: boolean;
  syncTasks: boolean;
  authenticationMethod: 'usernameAndPassword' | 'certificate';
  identityCertificate: UniqueId | null;
}

export type SiteObject =
  ConfigurationObject | ComplianceObject | TrustedRootObject | ScepObject | PfxObject | WifiObject | VpnObject | EmailObject;

export type SiteObjectKind = SiteObject['kind'];

/** The typed reading of an application's deployment type. */
export type AppPackage =
  | { kind: 'iosStore'; appStoreUrl: string; bundleId: string; minimumOsVersion: string; iPad: boolean; iPhone: boolean }
  | { kind: 'androidStore'; appStoreUrl: string; packageId: string; minimumOsVersion: string }
  | { kind: 'iosLob'; fileName: string; bundleId: string; version: string; contentLocation: string }
  | { kind: 'androidLob'; fileName: string; packageId: string; version: string; contentLocation: string }
  | { kind: 'webApp'; appUrl: string; useManagedBrowser: boolean }
  | { kind: 'windowsStore'; appStoreUrl: string }
  | { kind: 'windowsAppx'; fileName: string; contentLocation: string }
  | { kind: 'windowsMobileMsi'; fileName: string; productCode: string; contentLocation: string }
  | { kind: 'unsupported'; technology: string; reason: string };
