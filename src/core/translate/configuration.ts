// Configuration items -> general device restriction profiles, or custom profiles (OMA-URI /
// Apple configuration profile). Graph property names per type: microsoft-graph-docs v1.0
// resources intune-deviceconfig-{ios,android,macos}generaldeviceconfiguration.md,
// -windows10generalconfiguration.md, -*customconfiguration.md, -omasetting*.md.
import type { ConfigurationObject, Platform, SettingValue } from '../site/model';
import { SETTINGS } from '../site/sdm/catalog';
import { Draft, finish, KIOSK_REASON, PLATFORM_NAMES, readCommon, sourceOf } from './common';
import { objectKey } from './marker';
import { checkedInteger, INT32_MAX } from './ranges';
import type { Translation } from './types';

/** Catalogue key -> Graph property of the platform's general profile; absent = no counterpart. */
const GENERAL: Record<Platform, { type: string; props: Record<string, string> }> = {
  ios: {
    type: 'iosGeneralDeviceConfiguration',
    props: {
      passwordRequired: 'passcodeRequired',
      passwordMinimumLength: 'passcodeMinimumLength',
      passwordBlockSimple: 'passcodeBlockSimple',
      passwordExpirationDays: 'passcodeExpirationDays',
      passwordPreviousPasswordBlockCount: 'passcodePreviousPasscodeBlockCount',
      passwordMinutesOfInactivityBeforeLock: 'passcodeMinutesOfInactivityBeforeLock',
      cameraBlocked: 'cameraBlocked',
      screenCaptureBlocked: 'screenCaptureBlocked',
      iCloudBlockBackup: 'iCloudBlockBackup',
      appStoreBlocked: 'appStoreBlocked',
      safariBlocked: 'safariBlocked',
    },
  },
  android: {
    type: 'androidGeneralDeviceConfiguration',
    props: {
      passwordRequired: 'passwordRequired',
      passwordMinimumLength: 'passwordMinimumLength',
      passwordExpirationDays: 'passwordExpirationDays',
      passwordPreviousPasswordBlockCount: 'passwordPreviousPasswordBlockCount',
      // ConfigMgr "idle time before the device is locked" is Intune's "minutes of inactivity until the screen locks".
      passwordMinutesOfInactivityBeforeLock: 'passwordMinutesOfInactivityBeforeScreenTimeout',
      storageRequireEncryption: 'storageRequireDeviceEncryption',
      cameraBlocked: 'cameraBlocked',
      screenCaptureBlocked: 'screenCaptureBlocked',
      googlePlayStoreBlocked: 'googlePlayStoreBlocked',
      storageBlockRemovableStorage: 'storageBlockRemovableStorage',
      bluetoothBlocked: 'bluetoothBlocked',
    },
  },
  windows: {
    type: 'windows10GeneralConfiguration',
    props: {
      passwordRequired: 'passwordRequired',
      passwordMinimumLength: 'passwordMinimumLength',
      passwordBlockSimple: 'passwordBlockSimple',
      passwordExpirationDays: 'passwordExpirationDays',
      passwordPreviousPasswordBlockCount: 'passwordPreviousPasswordBlockCount',
      passwordMinutesOfInactivityBeforeLock: 'passwordMinutesOfInactivityBeforeScreenTimeout',
      storageRequireEncryption: 'storageRequireMobileDeviceEncryption',
      cameraBlocked: 'cameraBlocked',
      screenCaptureBlocked: 'screenCaptureBlocked',
      storageBlockRemovableStorage: 'storageBlockRemovableStorage',
      bluetoothBlocked: 'bluetoothBlocked',
      cortanaBlocked: 'cortanaBlocked',
    },
  },
  macos: {
    type: 'macOSGeneralDeviceConfiguration',
    props: {
      passwordRequired: 'passwordRequired',
      passwordMinimumLength: 'passwordMinimumLength',
      passwordBlockSimple: 'passwordBlockSimple',
      passwordExpirationDays: 'passwordExpirationDays',
      passwordPreviousPasswordBlockCount: 'passwordPreviousPasswordBlockCount',
      passwordMinutesOfInactivityBeforeLock: 'passwordMinutesOfInactivityBeforeLock',
    },
  },
};

const CUSTOM: Record<Platform, string> = {
  ios: 'iosCustomConfiguration',
  macos: 'macOSCustomConfiguration',
  android: 'androidCustomConfiguration',
  windows: 'windows10CustomConfiguration',
};

const TITLES = new Map(SETTINGS.map((s) => [s.key, s.title]));
const SOURCES = new Map(SETTINGS.map((s) => [s.key, s.source]));

/** The digest name of a catalogue key (`passwordMinimumLength` -> `MinimumPasswordLength`). */
export function digestName(key: string): string {
  return SOURCES.get(key) ?? key;
}

/**
 * Settings -> Graph properties of `type`: each one kept, changed (with why) or dropped; an
 * integer out of Graph's range or overflowing blocks the object (see ranges.ts).
 */
export function mapCatalogSettings(
  settings: Record<string, SettingValue>,
  type: string,
  props: Record<string, string>,
  draft: Draft,
  noSuchSetting: string,
): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const [key, value] of Object.entries(settings)) {
    const prop = props[key];
    draft.mapping.push({ setting: digestName(key), value: String(value), ...(prop ? { property: prop } : {}) });
    if (!prop) {
      draft.drop(settingName(key), noSuchSetting, digestName(key));
      continue;
    }
    if (typeof value === 'number') {
      const checked = checkedInteger(draft, type, prop, value, digestName(key), settingName(key));
      if (checked !== undefined) out[prop] = checked;
    } else {
      draft.keep(digestName(key));
      out[prop] = value;
    }
  }
  return out;
}

/** The admin's name for a catalogue key: `Allow the camera (cameraBlocked)`. */
export function settingName(key: string): string {
  const title = TITLES.get(key);
  return title ? `${title} (${key})` : key;
}

export function translateConfiguration(obj: ConfigurationObject): Translation {
  const draft = new Draft(objectKey(obj.uniqueId, obj.platform), obj.platform);
  readCommon(obj, draft);
  for (const name of Object.keys(obj.kioskMode ?? {})) draft.drop(name, KIOSK_REASON, name[0].toUpperCase() + name.slice(1));

  const general = GENERAL[obj.platform];
  const props = mapCatalogSettings(
    obj.settings,
    general.type,
    general.props,
    draft,
    `Intune's ${PLATFORM_NAMES[obj.platform]} device restrictions profile (${general.type}) has no such setting`,
  );

  const apple = obj.platform === 'ios' || obj.platform === 'macos';
  const hasCustom = apple ? obj.appleProfile !== null : obj.omaSettings.length > 0;
  // A payload the platform can't carry: OMA-URI on Apple, a .mobileconfig elsewhere.
  if (apple)
    for (const o of obj.omaSettings)
      draft.drop(`OMA-URI ${o.omaUri}`, `OMA-URI settings don't apply to ${PLATFORM_NAMES[obj.platform]}`, `OMA-URI ${o.omaUri}`);
  else if (obj.appleProfile)
    draft.drop(
      `Apple configuration profile ${obj.appleProfile.fileName}`,
      `an Apple configuration profile doesn't apply to ${PLATFORM_NAMES[obj.platform]}`,
      `Apple configuration profile ${obj.appleProfile.fileName}`,
    );

  const source = sourceOf(obj);
  if (hasCustom && Object.keys(props).length === 0) {
    const custom = customProps(obj, draft);
    return finish(source, draft, custom && { resource: 'deviceConfigurations', odataType: CUSTOM[obj.platform], props: custom });
  }
  if (hasCustom) {
    const what = apple ? `Apple configuration profile ${obj.appleProfile!.fileName}` : obj.omaSettings.map((o) => `OMA-URI ${o.omaUri}`);
    for (const name of [what].flat()) {
      draft.drop(
        name,
        'this configuration item mixes general and custom settings; Intune keeps them in separate profiles, so create a custom profile for it by hand',
        name,
      );
    }
  }
  if (Object.keys(props).length === 0 && draft.dropped.length > 0 && draft.hasLosses) {
    draft.block('nothing is left to import: every setting of this configuration item was dropped');
  }
  return finish(source, draft, { resource: 'deviceConfigurations', odataType: general.type, props });
}

function customProps(obj: ConfigurationObject, draft: Draft): Record<string, unknown> | undefined {
  if (obj.appleProfile && (obj.platform === 'ios' || obj.platform === 'macos')) {
    if (!obj.appleProfile.payloadBase64) {
      draft.block('the Apple configuration profile is empty');
      return undefined;
    }
    draft.keep(`Apple configuration profile ${obj.appleProfile.fileName}`);
    return {
      payloadName: obj.name,
      payloadFileName: obj.appleProfile.fileName || 'profile.mobileconfig',
      payload: obj.appleProfile.payloadBase64,
    };
  }
  const omaSettings = obj.omaSettings.flatMap((o): Record<string, unknown>[] => {
    const base = { displayName: o.name || o.omaUri, omaUri: o.omaUri };
    if (o.dataType === 'integer') {
      if (!/^-?\d+$/.test(o.value.trim())) {
        draft.drop(
          `OMA-URI ${o.omaUri}`,
          `its value '${o.value}' is not a whole number, as its integer data type requires`,
          `OMA-URI ${o.omaUri}`,
        );
        return [];
      }
      if (Math.abs(Number(o.value)) > INT32_MAX) {
        draft.drop(
          `OMA-URI ${o.omaUri}`,
          `its value ${o.value} overflows the 32-bit whole number omaSettingInteger holds`,
          `OMA-URI ${o.omaUri}`,
        );
        return [];
      }
      draft.keep(`OMA-URI ${o.omaUri}`);
      return [{ '@odata.type': '#microsoft.graph.omaSettingInteger', ...base, value: Number(o.value) }];
    }
    if (o.dataType === 'boolean') {
      if (!/^(true|false|1|0)$/i.test(o.value.trim())) {
        draft.drop(
          `OMA-URI ${o.omaUri}`,
          `its value '${o.value}' is not true or false, as its boolean data type requires`,
          `OMA-URI ${o.omaUri}`,
        );
        return [];
      }
      draft.keep(`OMA-URI ${o.omaUri}`);
      return [{ '@odata.type': '#microsoft.graph.omaSettingBoolean', ...base, value: /^(true|1)$/i.test(o.value.trim()) }];
    }
    draft.keep(`OMA-URI ${o.omaUri}`);
    return [{ '@odata.type': '#microsoft.graph.omaSettingString', ...base, value: o.value }];
  });
  if (omaSettings.length === 0) {
    draft.block('nothing is left to import: no OMA-URI setting could be carried over');
    return undefined;
  }
  return { omaSettings };
}
