// Wi-Fi profiles (beta only). Property names: microsoft-graph-docs beta resources
// intune-deviceconfig-{ios,macos}{,enterprise}wificonfiguration.md,
// -android{,enterprise}wificonfiguration.md, -windowswificonfiguration.md,
// -windowswifienterpriseeapconfiguration.md, checked against msgraph-metadata's beta type
// mappings of 2026-08-04 (src/sandbox/tenant/graph-types.json); enums wifisecuritytype, androidwifisecuritytype
// (open, wpaEnterprise, wpa2Enterprise only), eaptype, androideaptype, wifiauthenticationmethod.
import type { WifiObject } from '../site/model';
import { Draft, finish, PLATFORM_NAMES, readCommon, sourceOf } from './common';
import { PAYLOAD_SETTINGS } from '../site/sdm';
import { objectKey } from './marker';
import type { Translation } from './types';

const ANDROID_EAP = new Set(['eapTls', 'eapTtls', 'peap']);

export function translateWifi(obj: WifiObject): Translation {
  const draft = new Draft(objectKey(obj.uniqueId, obj.platform), obj.platform);
  readCommon(obj, draft);
  const enterprise = obj.security === 'wpaEnterprise' || obj.security === 'wpa2Enterprise';
  const personal = obj.security === 'wpaPersonal' || obj.security === 'wpa2Personal' || obj.security === 'wep';
  if (!obj.ssid) draft.block('the profile names no network (SSID)');
  if (obj.proxy && !(Number.isInteger(obj.proxy.port) && obj.proxy.port >= 1 && obj.proxy.port <= 65535))
    draft.block(`its proxy port '${obj.proxy.port}' is not a port number (1 to 65535)`);
  if (personal) draft.note("The network's pre-shared key is not carried over: devices ask for it, or enter it in the Intune profile.");

  const props: Record<string, unknown> = {
    networkName: obj.ssid,
    ssid: obj.ssid,
    connectAutomatically: obj.connectAutomatically,
    connectWhenNetworkNameIsHidden: obj.connectWhenNetworkNameIsHidden,
  };
  let type: string;
  switch (obj.platform) {
    case 'ios':
    case 'macos': {
      const prefix = obj.platform === 'ios' ? 'ios' : 'macOS';
      type = enterprise ? `${prefix}EnterpriseWiFiConfiguration` : `${prefix}WiFiConfiguration`;
      props.wiFiSecurityType = obj.security;
      Object.assign(
        props,
        obj.proxy
          ? { proxySettings: 'manual', proxyManualAddress: obj.proxy.host, proxyManualPort: obj.proxy.port }
          : { proxySettings: 'none' },
      );
      if (enterprise) enterpriseProps(obj, draft, props, true);
      break;
    }
    case 'windows':
      type = enterprise ? 'windowsWifiEnterpriseEAPConfiguration' : 'windowsWifiConfiguration';
      props.wifiSecurityType = obj.security; // sic: lower-case "f" on the Windows types
      Object.assign(
        props,
        obj.proxy
          ? { proxySetting: 'manual', proxyManualAddress: obj.proxy.host, proxyManualPort: obj.proxy.port }
          : { proxySetting: 'none' },
      );
      if (enterprise) enterpriseProps(obj, draft, props, true);
      break;
    case 'android':
      type = enterprise ? 'androidEnterpriseWiFiConfiguration' : 'androidWiFiConfiguration';
      if (personal)
        draft.block(
          `Intune's Android (device administrator) Wi-Fi profile supports open and enterprise networks only, not ${obj.security}`,
        );
      props.wiFiSecurityType = obj.security;
      if (obj.proxy)
        draft.drop(`Proxy ${obj.proxy.host}:${obj.proxy.port}`, "Intune's Android Wi-Fi profile has no proxy settings", 'Proxy');
      if (enterprise) {
        if (obj.eapType && !ANDROID_EAP.has(obj.eapType))
          draft.block(`Intune's Android Wi-Fi profile supports EAP-TLS, EAP-TTLS and PEAP, not ${obj.eapType}`);
        enterpriseProps(obj, draft, props, false);
      }
      break;
  }
  // Where each digest setting lands, for the detail view: its ConfigMgr value and the Intune
  // property (the certificate links are bound when the profile is created).
  const lands: Record<(typeof PAYLOAD_SETTINGS.wifi)[number], [string, string | undefined]> = {
    Ssid: [obj.ssid, 'ssid'],
    ConnectAutomatically: [String(obj.connectAutomatically), 'connectAutomatically'],
    Hidden: [String(obj.connectWhenNetworkNameIsHidden), 'connectWhenNetworkNameIsHidden'],
    Security: [obj.security, 'wifiSecurityType' in props ? 'wifiSecurityType' : 'wiFiSecurityType'],
    EapType: [obj.eapType ?? '', enterprise ? 'eapType' : undefined],
    RootCertificate: [
      obj.rootCertificates.join(', '),
      enterprise ? (obj.platform === 'android' ? 'rootCertificateForServerValidation' : 'rootCertificatesForServerValidation') : undefined,
    ],
    IdentityCertificate: [obj.identityCertificate ?? '', enterprise ? 'identityCertificateForClientAuthentication' : undefined],
    TrustedServerName: [obj.trustedServerCertificateNames.join(', '), enterprise ? 'trustedServerCertificateNames' : undefined],
    Proxy: [
      obj.proxy ? `${obj.proxy.host}:${obj.proxy.port}` : 'none',
      'proxySetting' in props ? 'proxySetting' : 'proxySettings' in props ? 'proxySettings' : undefined,
    ],
  };
  for (const [setting, [value, property]] of Object.entries(lands))
    if (obj.settingsRead?.includes(setting)) draft.mapping.push({ setting, value, ...(property ? { property } : {}) });
  if (!enterprise && obj.settingsRead?.includes('EapType'))
    draft.skip('EAP type', `applies to enterprise networks only, not ${obj.security}`, 'EapType');
  draft.keepOthers(PAYLOAD_SETTINGS.wifi, obj.settingsRead);
  return finish(sourceOf(obj), draft, { resource: 'deviceConfigurations', odataType: type, props });
}

/** EAP type, authentication method and the certificate bindings. */
function enterpriseProps(obj: WifiObject, draft: Draft, props: Record<string, unknown>, manyRoots: boolean): void {
  const eapType = obj.eapType ?? 'eapTls';
  props.eapType = eapType;
  const certificateAuth = eapType === 'eapTls';
  props.authenticationMethod = certificateAuth ? 'certificate' : 'usernameAndPassword';
  // Every enterprise type has the list, androidEnterpriseWiFiConfiguration included (beta metadata).
  props.trustedServerCertificateNames = obj.trustedServerCertificateNames;

  if (obj.rootCertificates.length === 0)
    draft.block('an enterprise Wi-Fi profile needs a trusted root certificate profile for server validation, and none is linked');
  if (manyRoots) {
    for (const root of obj.rootCertificates) draft.need(root, 'rootCertificatesForServerValidation', true);
  } else if (obj.rootCertificates.length > 0) {
    // androidEnterpriseWiFiConfiguration binds one root only.
    draft.need(obj.rootCertificates[0], 'rootCertificateForServerValidation');
    if (obj.rootCertificates.length > 1)
      draft.record({
        setting: 'RootCertificate',
        outcome: 'changed',
        from: obj.rootCertificates.join(', '),
        to: obj.rootCertificates[0],
        reason: `Intune's ${PLATFORM_NAMES[obj.platform]} enterprise Wi-Fi profile takes one root certificate for server validation`,
      });
    for (const extra of obj.rootCertificates.slice(1)) {
      draft.drop(
        `Root certificate ${extra}`,
        `Intune's ${PLATFORM_NAMES[obj.platform]} enterprise Wi-Fi profile takes one root certificate for server validation`,
      );
    }
  }
  if (obj.identityCertificate) draft.need(obj.identityCertificate, 'identityCertificateForClientAuthentication');
  else if (certificateAuth) draft.block('EAP-TLS needs a client (identity) certificate profile, and none is linked');
}
