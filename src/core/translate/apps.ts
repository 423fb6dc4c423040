// Applications (one translation per deployment type package). Property names: microsoft-graph-docs
// v1.0 resources intune-apps-iosstoreapp.md, -androidstoreapp.md, -ioslobapp.md, -androidlobapp.md,
// -webapp.md, -windowsmobilemsi.md, -iosminimumoperatingsystem.md, -androidminimumoperatingsystem.md;
// beta intune-apps-windowsstoreapp.md. LOB content needs the encrypt-and-upload flow, which
// cm2intune does not do: the app object is created and the admin uploads the file.
import type { AppPackage, Application, Platform } from '../site/model';
import { Draft, finish, type Source } from './common';
import { objectKey } from './marker';
import type { Translation } from './types';

const PLATFORM_OF: Record<AppPackage['kind'], Platform | 'unknown'> = {
  iosStore: 'ios',
  iosLob: 'ios',
  androidStore: 'android',
  androidLob: 'android',
  windowsStore: 'windows',
  windowsAppx: 'windows',
  windowsMobileMsi: 'windows',
  webApp: 'unknown',
  unsupported: 'unknown',
};

// The flags of iosMinimumOperatingSystem and androidMinimumOperatingSystem in v1.0 (store and LOB
// apps are created in v1.0), from msgraph-metadata's v1.0-Prod.csdl of 2026-08-03.
export const IOS_VERSIONS = ['8.0', '9.0', '10.0', '11.0', '12.0', '13.0', '14.0', '15.0'];
export const ANDROID_VERSIONS = [
  '4.0',
  '4.0.3',
  '4.1',
  '4.2',
  '4.3',
  '4.4',
  '5.0',
  '5.1',
  '6.0',
  '7.0',
  '7.1',
  '8.0',
  '8.1',
  '9.0',
  '10.0',
  '11.0',
];

/** The highest documented flag not above `version` (Graph has one boolean per OS version). */
export function minimumOs(version: string, known: string[]): Record<string, boolean> {
  const parts = (v: string) => v.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const cmp = (a: string, b: string) => {
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  const fit = [...known].reverse().find((k) => version.trim() && cmp(k, version) <= 0) ?? known[0];
  return { [`v${fit.replace(/\./g, '_')}`]: true };
}

/** `9.3` vs `9.0`: negative, zero or positive, part by part (missing parts are 0). */
function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map((n) => Number.parseInt(n, 10) || 0));
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * The minimum OS flag of a store app. Graph has one flag per listed version, so a version between
 * two (iOS 9.3) or outside the list is carried as another one: a change the verdict states.
 */
function minimumOsOf(draft: Draft, version: string, known: string[], platform: string): Record<string, boolean> {
  const flags = minimumOs(version, known);
  const wanted = version.trim();
  const chosen = Object.keys(flags)[0].slice(1).replace(/_/g, '.');
  if (wanted && compareVersions(wanted, chosen) !== 0) {
    const why =
      compareVersions(chosen, wanted) < 0
        ? `Intune's list of minimum versions has no ${wanted}; ${chosen} is the nearest below it, so devices on ${chosen} up to ${wanted} can install the app too`
        : `Intune's list of minimum versions starts at ${chosen}, so devices below it can no longer install the app`;
    draft.change('MinimumOsVersion', `${platform} ${wanted}`, `${platform} ${chosen}`, why, 'Minimum OS version');
  }
  return flags;
}

export function appKey(application: Application, pkg: AppPackage): string {
  return objectKey(application.uniqueId, pkg.kind);
}

export function translateApp(application: Application, pkg: AppPackage): Translation {
  const platform = PLATFORM_OF[pkg.kind];
  const draft = new Draft(appKey(application, pkg), platform);
  const source: Source = {
    uniqueId: application.uniqueId,
    ciId: application.ciId,
    kind: 'app',
    name: application.name,
    description: application.description,
    platform,
  };
  const publisher = application.publisher.trim();
  if (!publisher) draft.note('ConfigMgr names no publisher; Intune requires one, so "Unknown publisher" is used.');
  if (application.isSuperseded)
    draft.note('This application is superseded in ConfigMgr by a newer one; you may want to import only the newer one.');
  const base = { publisher: publisher || 'Unknown publisher' };
  const lob = (file: string, where: string) =>
    draft.lose(
      `the app is created without its content: cm2intune does not upload app packages; upload ${file}${where ? ` (from ${where})` : ''} to the Intune app in the admin center`,
    );

  switch (pkg.kind) {
    case 'iosStore':
      if (!pkg.iPad && !pkg.iPhone) draft.block('the deployment type targets neither iPad nor iPhone');
      return finish(source, draft, {
        resource: 'mobileApps',
        odataType: 'iosStoreApp',
        props: {
          ...base,
          appStoreUrl: pkg.appStoreUrl,
          bundleId: pkg.bundleId,
          applicableDeviceType: { iPad: pkg.iPad, iPhoneAndIPod: pkg.iPhone },
          minimumSupportedOperatingSystem: minimumOsOf(draft, pkg.minimumOsVersion, IOS_VERSIONS, 'iOS'),
        },
      });
    case 'androidStore':
      return finish(source, draft, {
        resource: 'mobileApps',
        odataType: 'androidStoreApp',
        // packageId is read-only (Core.Computed in the metadata): Intune takes it from the store URL.
        props: {
          ...base,
          appStoreUrl: pkg.appStoreUrl,
          minimumSupportedOperatingSystem: minimumOsOf(draft, pkg.minimumOsVersion, ANDROID_VERSIONS, 'Android'),
        },
      });
    case 'iosLob':
      lob(pkg.fileName, pkg.contentLocation);
      return finish(source, draft, {
        resource: 'mobileApps',
        odataType: 'iosLobApp',
        props: {
          ...base,
          fileName: pkg.fileName,
          bundleId: pkg.bundleId,
          versionNumber: pkg.version,
          buildNumber: pkg.version,
          applicableDeviceType: { iPad: true, iPhoneAndIPod: true },
          minimumSupportedOperatingSystem: minimumOs('', IOS_VERSIONS),
        },
      });
    case 'androidLob':
      lob(pkg.fileName, pkg.contentLocation);
      return finish(source, draft, {
        resource: 'mobileApps',
        odataType: 'androidLobApp',
        props: {
          ...base,
          fileName: pkg.fileName,
          packageId: pkg.packageId,
          versionName: pkg.version,
          minimumSupportedOperatingSystem: minimumOs('', ANDROID_VERSIONS),
        },
      });
    case 'windowsMobileMsi':
      lob(pkg.fileName, pkg.contentLocation);
      return finish(source, draft, {
        resource: 'mobileApps',
        odataType: 'windowsMobileMSI',
        props: { ...base, fileName: pkg.fileName, productCode: pkg.productCode, ignoreVersionDetection: false },
      });
    case 'webApp':
      draft.note(
        'Web apps (web clips) assigned to users: remove them before moving users to Intune and assign the Intune one after, or they become unmanageable.',
      );
      return finish(source, draft, {
        resource: 'mobileApps',
        odataType: 'webApp',
        props: { ...base, appUrl: pkg.appUrl, useManagedBrowser: pkg.useManagedBrowser },
      });
    case 'windowsStore':
      return finish(source, draft, {
        resource: 'mobileApps',
        odataType: 'windowsStoreApp',
        props: { ...base, appStoreUrl: pkg.appStoreUrl },
      });
    case 'windowsAppx':
      draft.block(
        `Intune needs the identity of the package (name, publisher hash, version, architectures), which is inside ${pkg.fileName}; cm2intune doesn't open it: add the app in the Intune admin center by uploading the file`,
      );
      return finish(source, draft, undefined);
    case 'unsupported':
      draft.block(pkg.reason);
      return finish(source, draft, undefined);
  }
}
