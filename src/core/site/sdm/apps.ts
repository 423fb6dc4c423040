// Application and deployment-type digests (AppMgmtDigest namespace) -> AppPackage.
import type { AppPackage } from '../model';
import { attr, child, children, DigestError, parseDigestXml, text, type XmlNode } from './xml';

function root(digest: string, element: 'Application' | 'DeploymentType'): XmlNode {
  const doc = parseDigestXml(digest);
  const top = child(doc, 'AppMgmtDigest');
  const node = child(top, element);
  if (!node) throw new DigestError(`the digest has no AppMgmtDigest/${element} element`);
  return node;
}

/** Publisher of an application (its default-language DisplayInfo), '' when absent or unreadable. */
export function readAppPublisher(digest: string): string {
  try {
    const app = root(digest, 'Application');
    const info = children(child(app, 'DisplayInfo'), 'Info');
    const lang = attr(child(app, 'DisplayInfo'), 'DefaultLanguage');
    const chosen = info.find((i) => attr(i, 'Language') === lang) ?? info[0];
    return text(child(chosen, 'Publisher')) || text(child(app, 'Publisher'));
  } catch {
    return '';
  }
}

/** The deployment technology named in a DT digest (`Technology`, else the Installer attribute). */
export function readDeploymentTechnology(digest: string): string {
  try {
    const dt = root(digest, 'DeploymentType');
    return text(child(dt, 'Technology')) || attr(child(dt, 'Installer'), 'Technology') || '';
  } catch {
    return '';
  }
}

// Technology strings of the mobile deployment types. The exact stored values are UNCONFIRMED
// (docs/site-database.md); the aliases cover the -SelectFullPlatform tokens too.
const TECHNOLOGY: Record<string, AppPackage['kind']> = {
  iosdeeplink: 'iosStore',
  iosappstore: 'iosStore',
  ios: 'iosLob',
  androiddeeplink: 'androidStore',
  googleplay: 'androidStore',
  android: 'androidLob',
  webapp: 'webApp',
  weblink: 'webApp',
  deeplink: 'windowsStore',
  winstoredeeplink: 'windowsStore',
  windowsstore: 'windowsStore',
  appx: 'windowsAppx',
  windowsappx: 'windowsAppx',
  mobilemsi: 'windowsMobileMsi',
};

/** Reads one deployment type. `technology` is the DB column / fallback when the digest lacks it. */
export function parseDeploymentType(digest: string, technology: string): AppPackage {
  let dt: XmlNode;
  try {
    dt = root(digest, 'DeploymentType');
  } catch (error) {
    return { kind: 'unsupported', technology, reason: error instanceof DigestError ? error.message : String(error) };
  }
  const installer = child(dt, 'Installer');
  const tech = text(child(dt, 'Technology')) || attr(installer, 'Technology') || technology;
  const args = new Map(children(child(child(installer, 'InstallAction'), 'Args'), 'Arg').map((a) => [attr(a, 'Name') ?? '', text(a)]));
  const arg = (name: string) => args.get(name) ?? '';
  const content = children(child(installer, 'Contents'), 'Content')[0];
  const fileName = attr(children(content, 'File')[0], 'Name') ?? '';
  const contentLocation = text(child(content, 'Location'));
  const kind = TECHNOLOGY[tech.toLowerCase()];
  const missing = (what: string) => ({
    kind: 'unsupported' as const,
    technology: tech,
    reason: `the ${tech} deployment type has no ${what}`,
  });
  switch (kind) {
    case 'iosStore': {
      if (!arg('PackageUri')) return missing('App Store link (PackageUri)');
      const devices = arg('SupportedDevices')
        .split(',')
        .map((d) => d.trim().toLowerCase());
      const any = devices.every((d) => d === '');
      return {
        kind,
        appStoreUrl: arg('PackageUri'),
        bundleId: arg('BundleId'),
        minimumOsVersion: arg('MinimumOsVersion'),
        iPad: any || devices.includes('ipad'),
        iPhone: any || devices.includes('iphone'),
      };
    }
    case 'androidStore':
      if (!arg('PackageUri')) return missing('Google Play link (PackageUri)');
      return {
        kind,
        appStoreUrl: arg('PackageUri'),
        packageId: arg('PackageId') || (/[?&]id=([^&]+)/.exec(arg('PackageUri'))?.[1] ?? ''),
        minimumOsVersion: arg('MinimumOsVersion'),
      };
    case 'iosLob':
      if (!fileName) return missing('.ipa content file');
      return { kind, fileName, bundleId: arg('BundleId'), version: arg('Version'), contentLocation };
    case 'androidLob':
      if (!fileName) return missing('.apk content file');
      return { kind, fileName, packageId: arg('PackageId'), version: arg('Version'), contentLocation };
    case 'webApp':
      if (!arg('PackageUri')) return missing('URL (PackageUri)');
      return { kind, appUrl: arg('PackageUri'), useManagedBrowser: arg('UseManagedBrowser').toLowerCase() === 'true' };
    case 'windowsStore':
      if (!arg('PackageUri')) return missing('Store link (PackageUri)');
      return { kind, appStoreUrl: arg('PackageUri') };
    case 'windowsAppx':
      if (!fileName) return missing('.appx content file');
      return { kind, fileName, contentLocation };
    case 'windowsMobileMsi':
      if (!fileName) return missing('.msi content file');
      return { kind, fileName, productCode: arg('ProductCode'), contentLocation };
    default:
      return {
        kind: 'unsupported',
        technology: tech,
        reason: `deployment technology '${tech || 'unknown'}' has no Intune counterpart cm2intune can create (e.g. ConfigMgr client packages for Mac)`,
      };
  }
}
