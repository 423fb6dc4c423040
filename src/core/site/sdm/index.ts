// Digest XML -> the typed SiteObject / AppPackage of model.ts. Kind and platform come from the
// digest itself (namespace, CI element, payload element, platform applicability rules), not
// only from CIType_ID; the reading model is written down in docs/site-database.md.
import type {
  AppPackage,
  Application,
  ConfigurationItem,
  DeploymentType,
  EapType,
  Platform,
  SettingValue,
  SiteModel,
  SiteObject,
  SiteObjectKind,
  UniqueId,
  UnknownSetting,
  VpnConnectionType,
  WifiSecurity,
} from '../model';
import { parseDeploymentType } from './apps';
import { catalogEntry, KIOSK_PREFIX, type CatalogKind } from './catalog';
import { attr, attributes, child, children, DigestError, elements, parseDigestXml, rootNamespace, text, type XmlNode } from './xml';

export { parseDeploymentType, readAppPublisher, readDeploymentTechnology } from './apps';
export { SETTINGS, catalogEntry } from './catalog';

export const DC_NAMESPACE = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/07/10/DesiredConfiguration';

export interface ParsedApp {
  application: Application;
  deploymentType: DeploymentType;
  package: AppPackage;
}

export interface ParsedSite {
  objects: SiteObject[];
  apps: ParsedApp[];
}

/** Every CI of the site as typed objects (one per platform) and every deployment type as a package. */
export function parseSiteObjects(model: SiteModel): ParsedSite {
  const byModelName = new Map<string, UniqueId>();
  for (const ci of model.configurationItems) if (ci.modelName) byModelName.set(ci.modelName.toLowerCase(), ci.uniqueId);
  const resolve: Resolve = (ref) => byModelName.get(ref.toLowerCase()) ?? null;
  // One object's bad data is a problem on that object; the others are read all the same.
  const objects = model.configurationItems.flatMap((ci) => {
    try {
      return parseConfigurationItem(ci, resolve);
    } catch (error) {
      return [refused(ci, [`reading it failed unexpectedly (${(error as Error).message}); please report this`])];
    }
  });
  const apps = model.applications.flatMap((application) =>
    application.deploymentTypes.map((deploymentType) => ({
      application,
      deploymentType,
      package: readPackage(application, deploymentType),
    })),
  );
  return { objects, apps };
}

function readPackage(application: Application, deploymentType: DeploymentType): AppPackage {
  const technology = deploymentType.technology;
  if (application.problems?.length)
    return {
      kind: 'unsupported',
      technology,
      reason: `the ConfigMgr data of this application can't be read safely: ${application.problems.join('; ')}`,
    };
  try {
    return parseDeploymentType(deploymentType.digest, technology);
  } catch (error) {
    return {
      kind: 'unsupported',
      technology,
      reason: `reading its deployment type failed unexpectedly (${(error as Error).message}); please report this`,
    };
  }
}

const CI_ELEMENTS = ['OperatingSystem', 'ConfigurationItem', 'BusinessPolicy', 'CompliancePolicy', 'ConfigurationPolicy', 'Application'];
const PAYLOADS: Record<string, SiteObjectKind> = {
  TrustedRootCertificate: 'trustedRoot',
  ScepCertificate: 'scep',
  PfxCertificate: 'pfx',
  WifiProfile: 'wifi',
  VpnProfile: 'vpn',
  EmailProfile: 'email',
};

/**
 * The payload attributes and child elements each profile kind reads; anything else in the payload
 * is an unknown setting (dropped, and said so), never ignored.
 */
export const PAYLOAD_SETTINGS: Record<Exclude<SiteObjectKind, 'configuration' | 'compliance'>, readonly string[]> = {
  trustedRoot: ['FileName'],
  scep: [
    'SubjectNameFormat',
    'SubjectAlternativeName',
    'KeySize',
    'KeyUsage',
    'ValidityPeriod',
    'ValidityUnit',
    'RenewalThreshold',
    'KeyStorageProvider',
    'RootCertificate',
    'ScepServer',
    'ExtendedKeyUsage',
  ],
  pfx: ['CertificationAuthority', 'CertificateTemplate', 'RootCertificate'],
  wifi: [
    'Ssid',
    'ConnectAutomatically',
    'Hidden',
    'Security',
    'EapType',
    'RootCertificate',
    'IdentityCertificate',
    'TrustedServerName',
    'Proxy',
  ],
  vpn: ['ConnectionName', 'ConnectionType', 'Authentication', 'SendAllTraffic', 'Server', 'IdentityCertificate'],
  email: [
    'Host',
    'AccountName',
    'UserName',
    'EmailAddress',
    'UseSsl',
    'SyncDuration',
    'SyncCalendar',
    'SyncContacts',
    'SyncTasks',
    'Authentication',
    'IdentityCertificate',
  ],
};

/**
 * A platform rule Intune can't target: Windows Phone (8.0/8.1), which is not Windows 10. Rule ids
 * join words with `_` (`WindowsPhone/Windows_Phone_8_1`, `Windows/All_Windows_Phone_8.1`): a
 * Windows one that names the phone is still the phone.
 */
export function untargetablePlatform(ruleId: string): string | undefined {
  const id = ruleId.toLowerCase();
  if (/winphone|windows[ _]?phone|wp_?8/.test(id)) return 'Windows Phone 8.1';
  return undefined;
}

/** Platform of a RuleExpression RuleId (`Platform/iOS_All`, `Windows/All_Windows_10_and_higher_Clients`, …). */
export function platformOfRule(ruleId: string): Platform | undefined {
  const id = ruleId.toLowerCase();
  if (untargetablePlatform(id)) return undefined;
  if (/mac ?os|osx/.test(id)) return 'macos';
  if (/\bios|iphone|ipad|ios_/.test(id) || /\/ios/.test(id)) return 'ios';
  if (/android/.test(id)) return 'android';
  if (/windows|winphone|wp8|win10|win8/.test(id)) return 'windows';
  return undefined;
}

type Resolve = (modelName: string) => UniqueId | null;

/** One CI -> one SiteObject per platform it applies to. Baselines and app CIs yield nothing. */
export function parseConfigurationItem(ci: ConfigurationItem, resolve: Resolve): SiteObject[] {
  if (ci.problems?.length) return [refused(ci, ci.problems)];
  let root: XmlNode | undefined;
  try {
    const doc = parseDigestXml(ci.digest);
    const namespace = rootNamespace(ci.digest);
    if (namespace && namespace !== DC_NAMESPACE) {
      throw new DigestError(`the digest is in namespace ${namespace}, not the DesiredConfiguration namespace`);
    }
    root = child(doc, 'DesiredConfigurationDigest');
    if (!root) {
      const top = elements(doc)[0]?.[0];
      throw new DigestError(`the digest's root element is ${top ? `<${top}>` : 'missing'}, not <DesiredConfigurationDigest>`);
    }
  } catch (error) {
    if (!(error instanceof DigestError)) throw error;
    return [refused(ci, [error.message])];
  }
  if (child(root, 'Baseline')) return [];
  const found = CI_ELEMENTS.map((name) => [name, child(root, name)] as const).find(([, node]) => node);
  if (!found)
    return [
      refused(ci, [
        'the digest holds no configuration item element (OperatingSystem, ConfigurationItem, CompliancePolicy or ConfigurationPolicy)',
      ]),
    ];
  const [element, node] = found as [string, XmlNode];
  const settingsNode = child(node, 'Settings');
  const payload = elements(settingsNode).find(([name]) => PAYLOADS[name]);
  const kind: SiteObjectKind = element === 'CompliancePolicy' ? 'compliance' : payload ? PAYLOADS[payload[0]] : 'configuration';

  const ruleIds = children(child(child(node, 'PlatformApplicabilityCondition'), 'OperatingSystemExpression'), 'Operands')
    .flatMap((o) => children(o, 'RuleExpression'))
    .map((r) => attr(r, 'RuleId') ?? '');
  let platforms = [...new Set(ruleIds.map(platformOfRule).filter((p): p is Platform => Boolean(p)))];
  const lost = [...new Set(ruleIds.map(untargetablePlatform).filter((p): p is string => Boolean(p)))];
  const rules = kind === 'configuration' || kind === 'compliance' ? settingValues(node) : { values: [], unmappable: [], read: [] };
  const values = rules.values;
  // A platform Intune can't target is never read as another one: the object is listed, blocked.
  let untargetable: string | undefined;
  if (platforms.length === 0) {
    untargetable = lost[0] ?? 'unknown';
    platforms = [FALLBACK_PLATFORM];
  }
  // Beside platforms Intune can target, the lost ones are said on each object (a note).
  const lostBeside = untargetable ? [] : lost;
  const payloadNode = payload?.[1];
  const read =
    kind === 'configuration' || kind === 'compliance'
      ? [
          ...rules.read,
          ...(kind === 'compliance' ? [] : children(child(settingsNode, 'OmaUriSettings'), 'OmaUri')).map(
            (o) => `OMA-URI ${attr(o, 'Uri') ?? ''}`,
          ),
          ...(kind === 'configuration' && child(settingsNode, 'AppleConfigurationProfile')
            ? [`Apple configuration profile ${attr(child(settingsNode, 'AppleConfigurationProfile'), 'FileName') ?? ''}`]
            : []),
        ]
      : [...attributes(payloadNode).map(([n]) => n), ...elements(payloadNode).map(([n]) => n)];
  const settingsRead = [...new Set(read)];
  const unknownPayload =
    kind === 'configuration' || kind === 'compliance'
      ? []
      : attributes(payloadNode)
          .filter(([n]) => !PAYLOAD_SETTINGS[kind].includes(n))
          .map(([name, value]) => ({ name, value }))
          .concat(
            elements(payloadNode)
              .filter(([n]) => !PAYLOAD_SETTINGS[kind].includes(n))
              .map(([name]) => ({ name, value: '' })),
          )
          .filter((u, i, all) => all.findIndex((x) => x.name === u.name) === i);

  return platforms.map((platform): SiteObject => {
    const base = {
      ciId: ci.ciId,
      uniqueId: ci.uniqueId,
      name: ci.name,
      description: ci.description,
      platform,
      problems: [] as string[],
      unknownSettings: [...unknownPayload] as UnknownSetting[],
      settingsRead,
      unmappable: [...rules.unmappable],
      ...(untargetable ? { untargetable } : {}),
      ...(lostBeside.length ? { lostPlatforms: lostBeside } : {}),
    };
    const ref = (n: XmlNode | undefined, what: string): UniqueId | null => {
      if (!n) return null;
      const scope = attr(n, 'AuthoringScopeId'),
        logical = attr(n, 'LogicalName');
      if (!scope || !logical) return null;
      const id = resolve(`${scope}/${logical}`);
      if (!id) base.problems.push(`${what} ${scope}/${logical} is not in the site`);
      return id;
    };
    const pick = <T extends string>(value: string | undefined, table: Record<string, T>, what: string, fallback: T): T => {
      const hit = value !== undefined ? table[value.toLowerCase()] : undefined;
      if (hit) return hit;
      base.problems.push(`${what} '${value ?? ''}' is not one cm2intune knows, so the object is not imported rather than read as a guess`);
      return fallback;
    };
    const p = payload?.[1];
    switch (kind) {
      case 'configuration':
      case 'compliance': {
        const { settings, kioskMode, dropped } = mapSettings(values, platform, kind, base.problems, base.unknownSettings, base.unmappable);
        const extra = dropped.length ? { droppedSettings: dropped } : {};
        if (kind === 'compliance') return { ...base, ...extra, kind, settings };
        const omaSettings = children(child(settingsNode, 'OmaUriSettings'), 'OmaUri').map((o) => ({
          name: attr(o, 'Name') ?? '',
          omaUri: attr(o, 'Uri') ?? '',
          dataType: pick(
            attr(o, 'DataType'),
            { string: 'string', integer: 'integer', int: 'integer', boolean: 'boolean' },
            'OMA-URI data type',
            'string',
          ),
          value: attr(o, 'Value') ?? text(o),
        }));
        const apple = child(settingsNode, 'AppleConfigurationProfile');
        return {
          ...base,
          ...extra,
          kind,
          settings,
          kioskMode,
          omaSettings,
          appleProfile: apple ? { fileName: attr(apple, 'FileName') ?? '', payloadBase64: text(apple).replace(/\s+/g, '') } : null,
        };
      }
      case 'trustedRoot':
        return { ...base, kind, certFileName: attr(p, 'FileName') ?? '', certificateBase64: text(p).replace(/\s+/g, '') };
      case 'scep': {
        // Numbers as the digest has them: a value Graph can't take is the translation's verdict, never coerced here.
        const number = (name: string, fallback: number) => {
          const raw = attr(p, name);
          if (raw === undefined) return fallback;
          if (!/^-?\d+$/.test(raw.trim())) base.problems.push(`${name} should be a whole number, not '${raw}'`);
          return Number(raw);
        };
        const sans = (attr(p, 'SubjectAlternativeName') ?? 'None')
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
          .map((v) => pick(v, SUBJECT_ALTERNATIVE_NAMES, 'Subject alternative name', 'none'));
        const keyStorageProvider = attr(p, 'KeyStorageProvider');
        return {
          ...base,
          kind,
          rootCertificate: ref(children(p, 'RootCertificate')[0], 'Root certificate'),
          scepServerUrls: children(p, 'ScepServer')
            .map((s) => attr(s, 'Url') ?? '')
            .filter(Boolean),
          subjectNameFormat: pick(attr(p, 'SubjectNameFormat') ?? 'CommonName', SUBJECT_NAME_FORMATS, 'Subject name format', 'commonName'),
          subjectAlternativeName:
            sans.includes('none') && sans.length > 1 ? sans.filter((v) => v !== 'none').join(',') : sans.join(',') || 'none',
          keySize: number('KeySize', 2048),
          keyUsage: (attr(p, 'KeyUsage') ?? '')
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean)
            .map((k) =>
              pick(k, { digitalsignature: 'digitalSignature', keyencipherment: 'keyEncipherment' }, 'Key usage', 'digitalSignature'),
            ),
          extendedKeyUsages: children(p, 'ExtendedKeyUsage').map((e) => ({
            name: attr(e, 'Name') ?? '',
            objectIdentifier: attr(e, 'Oid') ?? '',
          })),
          validityValue: number('ValidityPeriod', 1),
          validityScale: pick(
            attr(p, 'ValidityUnit') ?? 'Years',
            { days: 'days', months: 'months', years: 'years' },
            'Validity unit',
            'years',
          ),
          renewalThresholdPercentage: number('RenewalThreshold', 20),
          ...(keyStorageProvider !== undefined && keyStorageProvider.trim().toLowerCase() !== 'none'
            ? {
                keyStorageProvider: pick(
                  keyStorageProvider,
                  KEY_STORAGE_PROVIDERS,
                  'Key storage provider',
                  'useTpmKspOtherwiseUseSoftwareKsp',
                ),
              }
            : {}),
        };
      }
      case 'pfx':
        return {
          ...base,
          kind,
          certificationAuthority: attr(p, 'CertificationAuthority') ?? '',
          certificateTemplateName: attr(p, 'CertificateTemplate') ?? '',
          rootCertificate: ref(children(p, 'RootCertificate')[0], 'Root certificate'),
        };
      case 'wifi': {
        const security = pick<WifiSecurity>(
          attr(p, 'Security'),
          {
            open: 'open',
            none: 'open',
            wep: 'wep',
            wpapersonal: 'wpaPersonal',
            wpa2personal: 'wpa2Personal',
            wpaenterprise: 'wpaEnterprise',
            wpa2enterprise: 'wpa2Enterprise',
            // Set-CMWirelessProfile -SecurityAuthentication spells them with an underscore; Shared is WEP with a shared key.
            wpa_personal: 'wpaPersonal',
            wpa2_personal: 'wpa2Personal',
            wpa_enterprise: 'wpaEnterprise',
            wpa2_enterprise: 'wpa2Enterprise',
            shared: 'wep',
          },
          'Wi-Fi security type',
          'wpa2Personal',
        );
        const enterprise = security === 'wpaEnterprise' || security === 'wpa2Enterprise';
        const proxy = child(p, 'Proxy');
        const port = attr(proxy, 'Port');
        if (proxy && attr(proxy, 'Host') && !/^\d+$/.test(port ?? ''))
          base.problems.push(`the proxy port '${port ?? ''}' is not a whole number`);
        return {
          ...base,
          kind,
          ssid: attr(p, 'Ssid') ?? '',
          connectAutomatically: bool(attr(p, 'ConnectAutomatically')),
          connectWhenNetworkNameIsHidden: bool(attr(p, 'Hidden')),
          security,
          eapType: enterprise
            ? pick<EapType>(
                attr(p, 'EapType'),
                // and Set-CMWirelessProfile -EapType: TLS, PEAP, TTLS, LEAP, SIM, FAST (AKA and AKAprime have no Intune counterpart)
                {
                  'eap-tls': 'eapTls',
                  tls: 'eapTls',
                  peap: 'peap',
                  'eap-ttls': 'eapTtls',
                  ttls: 'eapTtls',
                  leap: 'leap',
                  'eap-sim': 'eapSim',
                  sim: 'eapSim',
                  'eap-fast': 'eapFast',
                  fast: 'eapFast',
                },
                'EAP type',
                'eapTls',
              )
            : null,
          rootCertificates: children(p, 'RootCertificate')
            .map((r) => ref(r, 'Root certificate'))
            .filter((r): r is string => Boolean(r)),
          identityCertificate: ref(child(p, 'IdentityCertificate'), 'Identity certificate'),
          trustedServerCertificateNames: children(p, 'TrustedServerName')
            .map((t) => text(t))
            .filter(Boolean),
          proxy: proxy && attr(proxy, 'Host') ? { host: attr(proxy, 'Host')!, port: Number(attr(proxy, 'Port') ?? 0) } : null,
        };
      }
      case 'vpn':
        return {
          ...base,
          kind,
          connectionName: attr(p, 'ConnectionName') ?? ci.name,
          connectionType: pick<VpnConnectionType>(
            attr(p, 'ConnectionType'),
            {
              ciscoanyconnect: 'ciscoAnyConnect',
              pulsesecure: 'pulseSecure',
              juniperpulse: 'pulseSecure',
              f5edgeclient: 'f5EdgeClient',
              dellsonicwallmobileconnect: 'dellSonicWallMobileConnect',
              checkpointcapsulevpn: 'checkPointCapsuleVpn',
              ikev2: 'ikEv2',
              l2tp: 'l2tp',
              pptp: 'pptp',
              automatic: 'microsoftAutomatic',
              microsoftautomatic: 'microsoftAutomatic',
            },
            'VPN connection type',
            'ikEv2',
          ),
          servers: children(p, 'Server').map((s) => ({
            address: attr(s, 'Address') ?? '',
            description: attr(s, 'Description') ?? '',
            isDefault: bool(attr(s, 'Default')),
          })),
          authenticationMethod: pick(
            attr(p, 'Authentication'),
            { certificate: 'certificate', usernameandpassword: 'usernameAndPassword' },
            'VPN authentication',
            'usernameAndPassword',
          ),
          identityCertificate: ref(child(p, 'IdentityCertificate'), 'Identity certificate'),
          sendAllTraffic: bool(attr(p, 'SendAllTraffic')),
        };
      case 'email':
        return {
          ...base,
          kind,
          hostName: attr(p, 'Host') ?? '',
          accountName: attr(p, 'AccountName') ?? '',
          usernameSource: pick(
            attr(p, 'UserName'),
            // `mail`, `sAMAccountName`, `userPrincipalName`: New-CMEmailProfile -AccountUserNameType.
            {
              userprincipalname: 'userPrincipalName',
              primarysmtpaddress: 'primarySmtpAddress',
              mail: 'primarySmtpAddress',
              samaccountname: 'samAccountName',
            },
            'User name source',
            'userPrincipalName',
          ),
          emailAddressSource: pick(
            attr(p, 'EmailAddress'),
            // `mail`, `userPrincipalName`: New-CMEmailProfile -EmailAddressType.
            { userprincipalname: 'userPrincipalName', primarysmtpaddress: 'primarySmtpAddress', mail: 'primarySmtpAddress' },
            'E-mail address source',
            'primarySmtpAddress',
          ),
          requireSsl: bool(attr(p, 'UseSsl')),
          durationOfEmailToSync: pick(
            attr(p, 'SyncDuration') ?? 'UserDefined',
            {
              userdefined: 'userDefined',
              // New-CMEmailProfile -MailSyncDays spells the same values; `Unlimited` is covered below.
              oneday: 'oneDay',
              threedays: 'threeDays',
              oneweek: 'oneWeek',
              twoweeks: 'twoWeeks',
              onemonth: 'oneMonth',
              unlimited: 'unlimited',
            },
            'Sync duration',
            'userDefined',
          ),
          syncCalendar: bool(attr(p, 'SyncCalendar')),
          syncContacts: bool(attr(p, 'SyncContacts')),
          syncTasks: bool(attr(p, 'SyncTasks')),
          authenticationMethod: pick(
            attr(p, 'Authentication'),
            { certificate: 'certificate', usernameandpassword: 'usernameAndPassword' },
            'E-mail authentication',
            'usernameAndPassword',
          ),
          identityCertificate: ref(child(p, 'IdentityCertificate'), 'Identity certificate'),
        };
    }
  });
}

// ConfigMgr's own spellings are what a real site stores (New-CMCertificateProfileScep -SubjectType,
// -SanType, -KeyStorageProvider); the short forms are the ones cm2intune's sample digests use.
const SUBJECT_NAME_FORMATS = {
  commonname: 'commonName',
  subjectrequirecommonname: 'commonName',
  commonnameincludingemail: 'commonNameIncludingEmail',
  commonnameasemail: 'commonNameAsEmail',
  subjectrequirecommonnameasemail: 'commonNameAsEmail',
  subjectrequirecommonnameasimei: 'commonNameAsIMEI',
  subjectrequirecommonnameasserialnumber: 'commonNameAsSerialNumber',
  custom: 'custom',
  subjectrequireascustomstring: 'custom',
} as const;

const SUBJECT_ALTERNATIVE_NAMES = {
  none: 'none',
  emailaddress: 'emailAddress',
  subjectaltrequireemail: 'emailAddress',
  // sic: the cmdlet documents this misspelling as an accepted value
  subjectaltreqiureemail: 'emailAddress',
  userprincipalname: 'userPrincipalName',
  subjectaltrequireupn: 'userPrincipalName',
  subjectaltrequiredns: 'domainNameService',
} as const;

const KEY_STORAGE_PROVIDERS = {
  installtotpm_ifpresent: 'useTpmKspOtherwiseUseSoftwareKsp',
  installtotpm_failifnotpresent: 'useTpmKspOtherwiseFail',
  installtongc_failifnotpresent: 'usePassportForWorkKspOtherwiseFail',
  installtosoftwarekeystorageprovider: 'useSoftwareKsp',
} as const;

const bool = (v: string | undefined) => v?.toLowerCase() === 'true' || v === '1';

interface RawSetting {
  name: string;
  dataType: string;
  value: string;
}

/**
 * Setting values: each rule `SettingReference Equals ConstantValue` in the CI's Rules. A rule of
 * another shape (And/Or of several expressions, an operator other than Equals, a reference without
 * a value) has no Intune counterpart: it is named in `unmappable`, never skipped in silence. An And
 * of Equals rules is the same as those rules one by one (every rule of a CI must hold), so it is read
 * as them.
 */
function settingValues(node: XmlNode): { values: RawSetting[]; unmappable: string[]; read: string[] } {
  const values: RawSetting[] = [];
  const unmappable: string[] = [];
  const read: string[] = [];
  const settingName = (s: XmlNode) => attr(s, 'SettingLogicalName') ?? attr(s, 'LogicalName') ?? '';
  const leaves = (expression: XmlNode | undefined): XmlNode[] => [
    ...children(child(expression, 'Operands'), 'SettingReference'),
    ...children(child(expression, 'Operands'), 'Expression').flatMap(leaves),
  ];
  const walk = (expression: XmlNode | undefined, ruleId: string): void => {
    const operator = text(child(expression, 'Operator')) || 'Equals';
    const operands = child(expression, 'Operands');
    const nested = children(operands, 'Expression');
    if (nested.length) {
      if (operator.toLowerCase() === 'and' && children(operands, 'SettingReference').length === 0) {
        for (const n of nested) walk(n, ruleId);
        return;
      }
      const names = leaves(expression).map(settingName);
      read.push(...names);
      unmappable.push(
        `rule ${ruleId} combines ${names.join(', ') || 'settings'} with ${operator}; an Intune profile or policy sets each setting on its own, so create it by hand`,
      );
      return;
    }
    const setting = children(operands, 'SettingReference')[0];
    const constant = children(operands, 'ConstantValue')[0];
    if (!setting) return;
    const name = settingName(setting);
    read.push(name);
    if (!constant) {
      unmappable.push(`rule ${ruleId} names setting ${name} but no value for it`);
      return;
    }
    if (operator.toLowerCase() !== 'equals') {
      unmappable.push(
        `rule ${ruleId} requires ${name} ${operator} ${attr(constant, 'Value') ?? ''}; Intune takes one value per setting, not a comparison`,
      );
      return;
    }
    values.push({
      name,
      dataType: attr(constant, 'DataType') ?? attr(setting, 'DataType') ?? 'String',
      value: attr(constant, 'Value') ?? '',
    });
  };
  for (const rule of children(child(node, 'Rules'), 'Rule')) walk(child(rule, 'Expression'), attr(rule, 'id') ?? '(no id)');
  return { values, unmappable, read };
}

function typed(raw: RawSetting, problems: string[]): SettingValue | undefined {
  const type = raw.dataType.toLowerCase();
  if (type === 'boolean') {
    if (!/^(true|false|1|0)$/i.test(raw.value))
      return void problems.push(`setting ${raw.name} should be true or false, not '${raw.value}'`);
    return bool(raw.value);
  }
  if (type === 'int64' || type === 'integer' || type === 'int32') {
    if (!/^-?\d+$/.test(raw.value)) return void problems.push(`setting ${raw.name} should be a whole number, not '${raw.value}'`);
    return Number(raw.value);
  }
  if (type === 'stringarray')
    return raw.value
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter(Boolean);
  return raw.value;
}

function mapSettings(
  values: RawSetting[],
  platform: Platform,
  kind: CatalogKind,
  problems: string[],
  unknown: UnknownSetting[],
  unmappable: string[] | undefined,
) {
  const settings: Record<string, SettingValue> = {};
  let kioskMode: Record<string, SettingValue> | null = null;
  const dropped: string[] = [];
  // The same setting in two rules: one would silently win, so two different values are refused.
  const first = new Map<string, string>();
  for (const raw of values) {
    const seen = first.get(raw.name);
    if (seen !== undefined) {
      if (seen !== raw.value) unmappable?.push(`setting ${raw.name} is set twice, to '${seen}' and to '${raw.value}'`);
      continue;
    }
    first.set(raw.name, raw.value);
  }
  for (const raw of values.filter((v, i) => values.findIndex((x) => x.name === v.name) === i)) {
    if (raw.name.startsWith(KIOSK_PREFIX)) {
      const value = typed(raw, problems);
      if (value !== undefined) (kioskMode ??= {})[raw.name[0].toLowerCase() + raw.name.slice(1)] = value;
      continue;
    }
    const entry = catalogEntry(raw.name);
    if (!entry || !entry.kinds.includes(kind)) {
      unknown.push({ name: raw.name, value: raw.value });
      continue;
    }
    if (!entry.platforms.includes(platform)) {
      dropped.push(raw.name);
      continue;
    }
    const value = typed(
      { ...raw, dataType: entry.type === 'integer' ? 'Int64' : entry.type === 'boolean' ? 'Boolean' : 'String' },
      problems,
    );
    if (value === undefined) continue;
    settings[entry.key] = entry.invert && typeof value === 'boolean' ? !value : value;
  }
  return { settings, kioskMode, dropped };
}

// ---- refused digests: the object is still listed (not importable), read only shallowly ----

/** When a digest names no platform at all (the object then carries a problem saying so). */
const FALLBACK_PLATFORM: Platform = 'windows';

/** Kind and platform guessed from the raw text (plain substring tests; nothing is parsed or expanded). */
function refused(ci: ConfigurationItem, reasons: string[]): SiteObject {
  const raw = ci.digest;
  const kind: SiteObjectKind = /<(\w+:)?CompliancePolicy\b/.test(raw)
    ? 'compliance'
    : (Object.entries(PAYLOADS).find(([name]) => new RegExp(`<(\\w+:)?${name}\\b`).test(raw))?.[1] ?? 'configuration');
  const rule = /RuleId="([^"]*)"/.exec(raw)?.[1];
  const platform = (rule && platformOfRule(rule)) || FALLBACK_PLATFORM;
  const base = {
    ciId: ci.ciId,
    uniqueId: ci.uniqueId,
    name: ci.name,
    description: ci.description,
    platform,
    problems: reasons,
    unknownSettings: [],
    // Nothing was read from a refused digest, so no setting is owed an outcome.
    settingsRead: [],
  };
  switch (kind) {
    case 'configuration':
      return { ...base, kind, settings: {}, kioskMode: null, omaSettings: [], appleProfile: null };
    case 'compliance':
      return { ...base, kind, settings: {} };
    case 'trustedRoot':
      return { ...base, kind, certFileName: '', certificateBase64: '' };
    case 'scep':
      return {
        ...base,
        kind,
        rootCertificate: null,
        scepServerUrls: [],
        subjectNameFormat: 'commonName',
        subjectAlternativeName: 'none',
        keySize: 2048,
        keyUsage: [],
        extendedKeyUsages: [],
        validityValue: 1,
        validityScale: 'years',
        renewalThresholdPercentage: 20,
      };
    case 'pfx':
      return { ...base, kind, certificationAuthority: '', certificateTemplateName: '', rootCertificate: null };
    case 'wifi':
      return {
        ...base,
        kind,
        ssid: '',
        connectAutomatically: false,
        connectWhenNetworkNameIsHidden: false,
        security: 'open',
        eapType: null,
        rootCertificates: [],
        identityCertificate: null,
        trustedServerCertificateNames: [],
        proxy: null,
      };
    case 'vpn':
      return {
        ...base,
        kind,
        connectionName: '',
        connectionType: 'ikEv2',
        servers: [],
        authenticationMethod: 'usernameAndPassword',
        identityCertificate: null,
        sendAllTraffic: false,
      };
    case 'email':
      return {
        ...base,
        kind,
        hostName: '',
        accountName: '',
        usernameSource: 'userPrincipalName',
        emailAddressSource: 'primarySmtpAddress',
        requireSsl: true,
        durationOfEmailToSync: 'userDefined',
        syncCalendar: false,
        syncContacts: false,
        syncTasks: false,
        authenticationMethod: 'usernameAndPassword',
        identityCertificate: null,
      };
  }
}
