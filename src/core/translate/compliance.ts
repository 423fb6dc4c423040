// Compliance policies. Property names: microsoft-graph-docs v1.0 resources
// intune-deviceconfig-{ios,android,windows10,macos}compliancepolicy.md. Graph refuses a create
// without exactly one `block` scheduled action ("Compliance policy must have one and only one
// block scheduled action"); ConfigMgr's noncompliance meant "block access", so block now.
import type { ComplianceObject, Platform } from '../site/model';
import { Draft, finish, PLATFORM_NAMES, readCommon, sourceOf } from './common';
import { mapCatalogSettings } from './configuration';
import { objectKey } from './marker';
import type { Translation } from './types';

const COMMON = { osMinimumVersion: 'osMinimumVersion', osMaximumVersion: 'osMaximumVersion' };
const PASSWORD = {
  passwordRequired: 'passwordRequired',
  passwordMinimumLength: 'passwordMinimumLength',
  passwordExpirationDays: 'passwordExpirationDays',
  passwordPreviousPasswordBlockCount: 'passwordPreviousPasswordBlockCount',
  passwordMinutesOfInactivityBeforeLock: 'passwordMinutesOfInactivityBeforeLock',
};

const POLICY: Record<Platform, { type: string; props: Record<string, string> }> = {
  ios: {
    type: 'iosCompliancePolicy',
    props: {
      ...COMMON,
      passwordRequired: 'passcodeRequired',
      passwordMinimumLength: 'passcodeMinimumLength',
      passwordBlockSimple: 'passcodeBlockSimple',
      passwordExpirationDays: 'passcodeExpirationDays',
      passwordPreviousPasswordBlockCount: 'passcodePreviousPasscodeBlockCount',
      passwordMinutesOfInactivityBeforeLock: 'passcodeMinutesOfInactivityBeforeLock',
      jailBroken: 'securityBlockJailbrokenDevices',
    },
  },
  android: {
    type: 'androidCompliancePolicy',
    props: { ...COMMON, ...PASSWORD, storageRequireEncryption: 'storageRequireEncryption', jailBroken: 'securityBlockJailbrokenDevices' },
  },
  windows: {
    type: 'windows10CompliancePolicy',
    props: { ...COMMON, ...PASSWORD, passwordBlockSimple: 'passwordBlockSimple', storageRequireEncryption: 'storageRequireEncryption' },
  },
  macos: {
    type: 'macOSCompliancePolicy',
    props: { ...COMMON, ...PASSWORD, passwordBlockSimple: 'passwordBlockSimple', storageRequireEncryption: 'storageRequireEncryption' },
  },
};

/** The one scheduled action Graph insists on: block at once, no notification template. */
export function blockAction(): Record<string, unknown>[] {
  return [
    {
      ruleName: 'PasswordRequired',
      scheduledActionConfigurations: [
        { actionType: 'block', gracePeriodHours: 0, notificationTemplateId: '', notificationMessageCCList: [] },
      ],
    },
  ];
}

export function translateCompliance(obj: ComplianceObject): Translation {
  const draft = new Draft(objectKey(obj.uniqueId, obj.platform), obj.platform);
  readCommon(obj, draft);
  const policy = POLICY[obj.platform];
  const props = mapCatalogSettings(
    obj.settings,
    policy.type,
    policy.props,
    draft,
    `Intune's ${PLATFORM_NAMES[obj.platform]} compliance policy (${policy.type}) has no such setting`,
  );
  if (Object.keys(props).length === 0 && draft.hasLosses)
    draft.block('nothing is left to import: every rule of this compliance policy was dropped');
  draft.note('Noncompliant devices are blocked at once, as in ConfigMgr; add notifications or a grace period in Intune if you want them.');
  return finish(sourceOf(obj), draft, {
    resource: 'deviceCompliancePolicies',
    odataType: policy.type,
    props: { ...props, scheduledActionsForRule: blockAction() },
  });
}
