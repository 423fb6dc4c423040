// VPN profiles (beta only). Property names: microsoft-graph-docs beta resources
// intune-deviceconfig-{ios,macos}vpnconfiguration.md (appleVpnConfiguration: one `server`),
// -androidvpnconfiguration.md and -windows10vpnconfiguration.md (`servers`), vpnserver.md; enums
// applevpnconnectiontype, androidvpnconnectiontype, windows10vpnconnectiontype,
// vpnauthenticationmethod, windows10vpnauthenticationmethod.
import type { VpnConnectionType, VpnObject } from '../site/model';
import { Draft, finish, PLATFORM_NAMES, readCommon, sourceOf } from './common';
import { PAYLOAD_SETTINGS } from '../site/sdm';
import { objectKey } from './marker';
import type { Translation } from './types';

const THIRD_PARTY: VpnConnectionType[] = [
  'ciscoAnyConnect',
  'pulseSecure',
  'f5EdgeClient',
  'dellSonicWallMobileConnect',
  'checkPointCapsuleVpn',
];
const WINDOWS_TYPES: Partial<Record<VpnConnectionType, string>> = {
  pulseSecure: 'pulseSecure',
  f5EdgeClient: 'f5EdgeClient',
  dellSonicWallMobileConnect: 'dellSonicWallMobileConnect',
  checkPointCapsuleVpn: 'checkPointCapsuleVpn',
  microsoftAutomatic: 'automatic',
  ikEv2: 'ikEv2',
  l2tp: 'l2tp',
  pptp: 'pptp',
  ciscoAnyConnect: 'ciscoAnyConnect',
};

export function translateVpn(obj: VpnObject): Translation {
  const draft = new Draft(objectKey(obj.uniqueId, obj.platform), obj.platform);
  readCommon(obj, draft);
  const server = (s: VpnObject['servers'][number]) => ({
    address: s.address,
    description: s.description || s.address,
    isDefaultServer: s.isDefault,
  });
  if (obj.servers.length === 0) draft.block('the profile names no VPN server');
  if (obj.authenticationMethod === 'certificate') {
    if (obj.identityCertificate) draft.need(obj.identityCertificate, 'identityCertificate');
    else draft.block('certificate authentication needs an identity certificate profile, and none is linked');
  } else if (obj.identityCertificate) {
    draft.skip(
      'Identity certificate',
      'used with certificate authentication only, and this profile signs in with user name and password',
      'IdentityCertificate',
    );
  }
  const props: Record<string, unknown> = { connectionName: obj.connectionName || obj.name, authenticationMethod: obj.authenticationMethod };
  let type: string;
  switch (obj.platform) {
    case 'ios':
    case 'macos': {
      type = obj.platform === 'ios' ? 'iosVpnConfiguration' : 'macOSVpnConfiguration';
      if (!THIRD_PARTY.includes(obj.connectionType)) {
        draft.block(
          `cm2intune can't create a ${PLATFORM_NAMES[obj.platform]} VPN of type ${obj.connectionType}: Intune's matching profile needs settings ConfigMgr doesn't have; create it by hand`,
        );
      }
      props.connectionType = obj.connectionType;
      // appleVpnConfiguration takes one server: the default one.
      const main = obj.servers.find((s) => s.isDefault) ?? obj.servers[0];
      if (main) props.server = server({ ...main, isDefault: true });
      if (obj.servers.length > 1)
        draft.record({
          setting: 'Server',
          outcome: 'changed',
          from: obj.servers.map((s) => s.address).join(', '),
          to: main.address,
          reason: `Intune's ${PLATFORM_NAMES[obj.platform]} VPN profile takes one server`,
        });
      for (const other of obj.servers.filter((s) => s !== main)) {
        draft.drop(`VPN server ${other.address}`, `Intune's ${PLATFORM_NAMES[obj.platform]} VPN profile takes one server`);
      }
      props.enableSplitTunneling = !obj.sendAllTraffic;
      break;
    }
    case 'android':
      type = 'androidVpnConfiguration';
      if (!THIRD_PARTY.includes(obj.connectionType))
        draft.block(`Intune's Android VPN profile has no connection type ${obj.connectionType}`);
      props.connectionType = obj.connectionType;
      props.servers = obj.servers.map(server);
      if (obj.sendAllTraffic)
        draft.drop('Send all network traffic through the VPN', "Intune's Android VPN profile has no such setting", 'SendAllTraffic');
      break;
    case 'windows':
      type = 'windows10VpnConfiguration';
      props.connectionType = WINDOWS_TYPES[obj.connectionType];
      if (!props.connectionType) draft.block(`Intune's Windows 10 VPN profile has no connection type ${obj.connectionType}`);
      props.servers = obj.servers.map(server);
      props.enableSplitTunneling = !obj.sendAllTraffic;
      break;
  }
  draft.keepOthers(PAYLOAD_SETTINGS.vpn, obj.settingsRead);
  return finish(sourceOf(obj), draft, { resource: 'deviceConfigurations', odataType: type, props });
}
