// Certificate profiles: trusted root, SCEP, PFX. Beta only (v1.0 has none of these types).
// Property names: microsoft-graph-docs beta resources intune-deviceconfig-{ios,android,macos}
// trustedrootcertificate.md, -windows81trustedrootcertificate.md, -*scepcertificateprofile.md,
// -windows81scepcertificateprofile.md; enums intune-shared-keysize/keyusages/
// subjectalternativenametype/certificatevalidityperiodscale.md.
import type { PfxObject, Platform, ScepObject, TrustedRootObject } from '../site/model';
import { Draft, finish, PLATFORM_NAMES, readCommon, sourceOf } from './common';
import { objectKey } from './marker';
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
  // ConfigMgr's default was "install to the TPM if present"; Intune's matching option.
  if (obj.platform === 'windows') props.keyStorageProvider = 'useTpmKspOtherwiseUseSoftwareKsp';
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
