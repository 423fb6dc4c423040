// Translation of ConfigMgr objects into Intune Graph requests: pure functions, no I/O.
import type { SiteObject } from '../site/model';
import { translateTrustedRoot, translatePfx, translateScep } from './certificates';
import { translateCompliance } from './compliance';
import { translateConfiguration } from './configuration';
import { translateEmail } from './email';
import type { TranslateOptions, Translation } from './types';
import { translateVpn } from './vpn';
import { translateWifi } from './wifi';

export * from './types';
export { markerFor, parseMarker, withMarker, objectKey, parseKey } from './marker';
export { translateApp, appKey } from './apps';
export { translateTermsAndConditions, isTermsAndConditions, TERMS_REASON } from './terms';
export { assignRequest, type AssignTarget, type AssignRequest } from './assignments';
export { dependencyOrder } from './order';
export { checkSettingOutcomes } from './outcomes';
export { bodyWithBinds } from './binds';
export { KIOSK_REASON } from './common';
export { PFX_REASON } from './certificates';
export { blockAction } from './compliance';

export function translateObject(obj: SiteObject, options: TranslateOptions = {}): Translation {
  switch (obj.kind) {
    case 'configuration':
      return translateConfiguration(obj);
    case 'compliance':
      return translateCompliance(obj);
    case 'trustedRoot':
      return translateTrustedRoot(obj);
    case 'scep':
      return translateScep(obj, options);
    case 'pfx':
      return translatePfx(obj);
    case 'wifi':
      return translateWifi(obj);
    case 'vpn':
      return translateVpn(obj);
    case 'email':
      return translateEmail(obj);
  }
}
