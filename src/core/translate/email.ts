// Exchange ActiveSync e-mail profiles (beta only). Property names: microsoft-graph-docs beta
// resources intune-deviceconfig-ioseasemailprofileconfiguration.md, -androideasemailprofile
// configuration.md, -windows10easemailprofileconfiguration.md; enums useremailsource (upn, smtp),
// usernamesource (+ samAccountName), androidusernamesource, easservices, easauthenticationmethod.
// Windows 10 e-mail profiles have no certificate link; Intune has no EAS profile for macOS.
import type { EmailObject } from '../site/model';
import { Draft, finish, readCommon, sourceOf } from './common';
import { PAYLOAD_SETTINGS } from '../site/sdm';
import { objectKey } from './marker';
import type { Translation } from './types';

export function translateEmail(obj: EmailObject): Translation {
  const draft = new Draft(objectKey(obj.uniqueId, obj.platform), obj.platform);
  readCommon(obj, draft);
  if (!obj.hostName) draft.block('the profile names no Exchange host');
  draft.note('Users re-enter their password and mail re-synchronises when the Intune profile replaces the ConfigMgr one.');
  const props: Record<string, unknown> = {
    accountName: obj.accountName || obj.name,
    hostName: obj.hostName,
    requireSsl: obj.requireSsl,
    durationOfEmailToSync: obj.durationOfEmailToSync,
    emailAddressSource: obj.emailAddressSource,
  };
  const certificate = obj.authenticationMethod === 'certificate';
  const needIdentity = () => {
    if (obj.identityCertificate) draft.need(obj.identityCertificate, 'identityCertificate');
    else draft.block('certificate authentication needs an identity certificate profile, and none is linked');
  };
  // `usernameSource` takes UPN or SMTP address only; `usernameAADSource` also the sAMAccountName.
  const usernames = () => ({
    usernameAADSource: obj.usernameSource,
    ...(obj.usernameSource === 'samAccountName' ? {} : { usernameSource: obj.usernameSource }),
  });
  let type: string | undefined;
  switch (obj.platform) {
    case 'ios': {
      type = 'iosEasEmailProfileConfiguration';
      Object.assign(props, usernames(), { authenticationMethod: obj.authenticationMethod });
      const services = ['email', obj.syncCalendar && 'calendars', obj.syncContacts && 'contacts', obj.syncTasks && 'reminders'].filter(
        Boolean,
      );
      props.easServices = services.join(',');
      if (certificate) needIdentity();
      break;
    }
    case 'android':
      type = 'androidEasEmailProfileConfiguration';
      Object.assign(props, {
        usernameSource: obj.usernameSource,
        authenticationMethod: obj.authenticationMethod,
        syncCalendar: obj.syncCalendar,
        syncContacts: obj.syncContacts,
        syncTasks: obj.syncTasks,
      });
      if (certificate) needIdentity();
      break;
    case 'windows':
      type = 'windows10EasEmailProfileConfiguration';
      Object.assign(props, usernames(), { syncCalendar: obj.syncCalendar, syncContacts: obj.syncContacts, syncTasks: obj.syncTasks });
      if (certificate) {
        const why = "Intune's Windows 10 e-mail profile has no certificate authentication; users sign in with their password";
        draft.drop('Certificate authentication', why, 'Authentication');
        if (obj.settingsRead?.includes('IdentityCertificate'))
          draft.record({ setting: 'IdentityCertificate', outcome: 'dropped', reason: why });
      }
      break;
    case 'macos':
      draft.block('Intune has no Exchange ActiveSync e-mail profile for macOS');
      break;
  }
  draft.keepOthers(PAYLOAD_SETTINGS.email, obj.settingsRead);
  return finish(sourceOf(obj), draft, type ? { resource: 'deviceConfigurations', odataType: type, props } : undefined);
}
