// The settings cm2intune understands in general configuration items and compliance policies:
// the ConfigMgr setting name in the digest (`SettingLogicalName`) -> a camelCase key close to
// Graph's property, its type, and where it applies. `Allow…` settings become `…Blocked` keys,
// so their value is inverted. Anything not listed lands in `unknownSettings`; settings whose
// name starts with `KioskMode` land in `kioskMode` (never importable).
import type { Platform } from '../model';

export type CatalogKind = 'configuration' | 'compliance';

export interface CatalogEntry {
  /** Setting name in the digest. */
  source: string;
  /** Key in `settings`. */
  key: string;
  type: 'boolean' | 'integer' | 'string';
  /** `Allow X = true` is `xBlocked = false`. */
  invert?: boolean;
  platforms: Platform[];
  kinds: CatalogKind[];
  title: string;
}

const ALL: Platform[] = ['ios', 'android', 'windows', 'macos'];
const BOTH: CatalogKind[] = ['configuration', 'compliance'];

export const SETTINGS: readonly CatalogEntry[] = [
  { source: 'PasswordRequired', key: 'passwordRequired', type: 'boolean', platforms: ALL, kinds: BOTH, title: 'Require a password' },
  {
    source: 'MinimumPasswordLength',
    key: 'passwordMinimumLength',
    type: 'integer',
    platforms: ALL,
    kinds: BOTH,
    title: 'Minimum password length',
  },
  {
    source: 'AllowSimplePassword',
    key: 'passwordBlockSimple',
    type: 'boolean',
    invert: true,
    platforms: ALL,
    kinds: BOTH,
    title: 'Allow simple passwords',
  },
  {
    source: 'PasswordExpirationDays',
    key: 'passwordExpirationDays',
    type: 'integer',
    platforms: ALL,
    kinds: BOTH,
    title: 'Password expiration (days)',
  },
  {
    source: 'PasswordHistoryCount',
    key: 'passwordPreviousPasswordBlockCount',
    type: 'integer',
    platforms: ALL,
    kinds: BOTH,
    title: 'Remember password history',
  },
  {
    source: 'IdleTimeBeforeLock',
    key: 'passwordMinutesOfInactivityBeforeLock',
    type: 'integer',
    platforms: ALL,
    kinds: BOTH,
    title: 'Idle time before the device is locked (minutes)',
  },
  {
    source: 'RequireEncryption',
    key: 'storageRequireEncryption',
    type: 'boolean',
    platforms: ['android', 'windows', 'macos'],
    kinds: BOTH,
    title: 'Require encryption on the device',
  },
  {
    source: 'MinimumOSVersion',
    key: 'osMinimumVersion',
    type: 'string',
    platforms: ALL,
    kinds: ['compliance'],
    title: 'Minimum OS version',
  },
  {
    source: 'MaximumOSVersion',
    key: 'osMaximumVersion',
    type: 'string',
    platforms: ALL,
    kinds: ['compliance'],
    title: 'Maximum OS version',
  },
  // true = jailbroken (iOS) or rooted (Android) devices are not compliant; Graph: securityBlockJailbrokenDevices.
  {
    source: 'JailbrokenDevicesNotAllowed',
    key: 'jailBroken',
    type: 'boolean',
    platforms: ['ios', 'android'],
    kinds: ['compliance'],
    title: 'Jailbroken or rooted devices are not compliant',
  },
  {
    source: 'AllowCamera',
    key: 'cameraBlocked',
    type: 'boolean',
    invert: true,
    platforms: ['ios', 'android', 'windows'],
    kinds: ['configuration'],
    title: 'Allow the camera',
  },
  {
    source: 'AllowScreenCapture',
    key: 'screenCaptureBlocked',
    type: 'boolean',
    invert: true,
    platforms: ['ios', 'android', 'windows'],
    kinds: ['configuration'],
    title: 'Allow screen capture',
  },
  {
    source: 'AllowICloudBackup',
    key: 'iCloudBlockBackup',
    type: 'boolean',
    invert: true,
    platforms: ['ios'],
    kinds: ['configuration'],
    title: 'Allow backup to iCloud',
  },
  {
    source: 'AllowAppStore',
    key: 'appStoreBlocked',
    type: 'boolean',
    invert: true,
    platforms: ['ios'],
    kinds: ['configuration'],
    title: 'Allow the App Store',
  },
  {
    source: 'AllowSafari',
    key: 'safariBlocked',
    type: 'boolean',
    invert: true,
    platforms: ['ios'],
    kinds: ['configuration'],
    title: 'Allow Safari',
  },
  {
    source: 'AllowGooglePlayStore',
    key: 'googlePlayStoreBlocked',
    type: 'boolean',
    invert: true,
    platforms: ['android'],
    kinds: ['configuration'],
    title: 'Allow Google Play',
  },
  {
    source: 'AllowStorageCard',
    key: 'storageBlockRemovableStorage',
    type: 'boolean',
    invert: true,
    platforms: ['android', 'windows'],
    kinds: ['configuration'],
    title: 'Allow removable storage',
  },
  {
    source: 'AllowBluetooth',
    key: 'bluetoothBlocked',
    type: 'boolean',
    invert: true,
    platforms: ['android', 'windows'],
    kinds: ['configuration'],
    title: 'Allow Bluetooth',
  },
  {
    source: 'AllowCortana',
    key: 'cortanaBlocked',
    type: 'boolean',
    invert: true,
    platforms: ['windows'],
    kinds: ['configuration'],
    title: 'Allow Cortana',
  },
];

const BY_SOURCE = new Map(SETTINGS.map((e) => [e.source.toLowerCase(), e]));

export function catalogEntry(source: string): CatalogEntry | undefined {
  return BY_SOURCE.get(source.toLowerCase());
}

export const KIOSK_PREFIX = 'KioskMode';
