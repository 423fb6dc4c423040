// Certificate profiles: trusted root, SCEP, PFX. Beta only (v1.0 has none of these types).
// Property names: microsoft-graph-docs beta resources intune-deviceconfig-{ios,android,macos}
// trustedrootcertificate.md, -windows81trustedrootcertificate.md, -*scepcertificateprofile.md,
// -windows81scepcertificateprofile.md; enums intune-shared-keysize/keyusages/
// subjectalternativenametype/certificatevalidityperiodscale.md.
import type { PfxObject, Platform, ScepObject, TrustedRootObject } from '../site/model';
import { Draft, finish, PLATFORM_NAMES, readCommon, sourceOf } from './common';
import { PAYLOAD_SETTINGS } from '../site/sdm';
import { objectKey } from './marker';
import { INT32_MAX } from './ranges';
import type { TranslateOptions, Translation } from './types';

const ROOT_TYPES: Record<Platform, string> = {
  ios: 'iosTrustedRootCertificate',
  android: 'androidTrustedRootCertificate',
  // Intune uses the Windows 8.1 type for Windows 10 trusted roots as well.
  windows: 'windows81TrustedRootCertificate',
  macos: 'macOSTrustedRootCertificate',
};

const SCEP_TYPES: Record<Platform, string> = {
  ios: 'iosScepCertificateProfile',
  android: 'androidScepCertificateProfile',
  windows: 'windows81SCEPCertificateProfile',
  macos: 'macOSScepCertificateProfile',
};

export const PFX_REASON =
  "PFX settings can't be imported (as in the Intune Data Importer): recreate this profile by hand in Intune as a PKCS certificate profile, served by the Intune certificate connector";

export function translateTrustedRoot(obj: TrustedRootObject): Translation {
  const draft = new Draft(objectKey(obj.uniqueId, obj.platform), obj.platform);
  readCommon(obj, draft);
  if (!obj.certificateBase64) draft.block('the profile holds no certificate');
  const props: Record<string, unknown> = {
    trustedRootCertificate: obj.certificateBase64,
    certFileName: obj.certFileName || `${obj.name}.cer`,
  };
  if (obj.platform === 'windows') props.destinationStore = 'computerCertStoreRoot';
  draft.keepOthers(PAYLOAD_SETTINGS.trustedRoot, obj.settingsRead);
  return finish(sourceOf(obj), draft, { resource: 'deviceConfigurations', odataType: ROOT_TYPES[obj.platform], props });
}

export function translateScep(obj: ScepObject, options: TranslateOptions = {}): Translation {
  const draft = new Draft(objectKey(obj.uniqueId, obj.platform), obj.platform);
  readCommon(obj, draft);
  if (obj.rootCertificate) draft.need(obj.rootCertificate, 'rootCertificate');
  else draft.block('a SCEP profile needs its trusted root certificate profile, and none is linked in ConfigMgr');
  if (obj.subjectNameFormat === 'custom') {
    draft.block("the custom subject name format string isn't in the ConfigMgr data cm2intune reads; create this SCEP profile by hand");
  }
  let urls = obj.scepServerUrls;
  if (options.scepServerUrl) {
    urls = [options.scepServerUrl];
    // The plan asked for it: a change, but not a loss.
    if (obj.settingsRead?.includes('ScepServer') && obj.scepServerUrls.join(', ') !== options.scepServerUrl)
      draft.record({
        setting: 'ScepServer',
        outcome: 'changed',
        from: obj.scepServerUrls.join(', '),
        to: options.scepServerUrl,
        reason: "the plan's prepare.scepServerUrl replaces the ConfigMgr certificate registration point",
      });
  } else {
    draft.note(
      `The SCEP server URL stays ${urls.join(', ') || '(none)'}, the ConfigMgr certificate registration point. Intune needs the NDES URL served by the Intune certificate connector: set prepare.scepServerUrl in the plan.`,
    );
  }
  if (urls.length === 0) draft.block('the profile names no SCEP server URL; set prepare.scepServerUrl in the plan');
  const props: Record<string, unknown> = {
    scepServerUrls: urls,
    subjectNameFormat: obj.subjectNameFormat,
    subjectAlternativeNameType: obj.subjectAlternativeName,
    keySize: `size${obj.keySize}`,
    // a flags enum: Graph takes the members as one comma-separated string
    keyUsage: obj.keyUsage.join(','),
    extendedKeyUsages: obj.extendedKeyUsages.map((e) => ({ name: e.name, objectIdentifier: e.objectIdentifier })),
    certificateValidityPeriodValue: obj.validityValue,
    certificateValidityPeriodScale: obj.validityScale,
    renewalThresholdPercentage: obj.renewalThresholdPercentage,
  };
  if (obj.keyUsage.length === 0) draft.block('the profile names no key usage (digital signature or key encipherment)');
  // Graph's keySize enum: size1024, size2048, size4096 (intune-shared-keysize.md); no other size is coerced to one.
  if (![1024, 2048, 4096].includes(obj.keySize))
    draft.block(`its key size is ${obj.keySize} bits; Intune's SCEP profile offers 1024, 2048 or 4096 only: choose one in ConfigMgr`);
  if (!(obj.validityValue >= 1 && obj.validityValue <= INT32_MAX))
    draft.block(
      `its certificate validity period is ${obj.validityValue} ${obj.validityScale}; Graph takes a whole number from 1 (certificateValidityPeriodValue, Int32)`,
    );
  if (!(obj.renewalThresholdPercentage >= 1 && obj.renewalThresholdPercentage <= 99))
    draft.block(`its renewal threshold is ${obj.renewalThresholdPercentage}%; Graph takes 1 to 99 (renewalThresholdPercentage)`);
  if (obj.platform === 'windows') {
    // ConfigMgr's default is "install to the TPM if present" (New-CMCertificateProfileScep -KeyStorageProvider): Intune's matching option.
    props.keyStorageProvider = obj.keyStorageProvider ?? 'useTpmKspOtherwiseUseSoftwareKsp';
  } else if (obj.settingsRead?.includes('KeyStorageProvider')) {
    draft.skip('Key storage provider', `applies to Windows devices only, not ${PLATFORM_NAMES[obj.platform]}`, 'KeyStorageProvider');
  }
  draft.keepOthers(PAYLOAD_SETTINGS.scep, obj.settingsRead);
  return finish(sourceOf(obj), draft, { resource: 'deviceConfigurations', odataType: SCEP_TYPES[obj.platform], props });
}

export function translatePfx(obj: PfxObject): Translation {
  const draft = new Draft(objectKey(obj.uniqueId, obj.platform), obj.platform);
  readCommon(obj, draft);
  draft.block(PFX_REASON);
  draft.note(
    `In Intune: PKCS certificate profile for ${PLATFORM_NAMES[obj.platform]}, certification authority ${obj.certificationAuthority || '(not set)'}, template ${obj.certificateTemplateName || '(not set)'}.`,
  );
  return finish(sourceOf(obj), draft, undefined);
}
