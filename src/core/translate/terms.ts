// Terms and conditions are a tenant-level policy: they move with the tenant when mixed authority
// is enabled / the MDM authority changes. Recreating them would make a duplicate, so they are
// listed but never created (the Intune Data Importer dropped them too).
import type { ConfigurationItem } from '../site/model';
import { Draft, finish } from './common';
import { objectKey } from './marker';
import type { Translation } from './types';

export const TERMS_REASON =
  'terms and conditions are not recreated: they migrate with the tenant when you enable mixed MDM authority (phase 3) or change the MDM authority; assign them in Intune afterwards';

/** Heuristic: a CI whose digest or model name speaks of terms and conditions. */
export function isTermsAndConditions(ci: ConfigurationItem): boolean {
  return /TermsAndConditions/i.test(ci.modelName) || /<(\w+:)?TermsAndConditions\b/.test(ci.digest);
}

export function translateTermsAndConditions(ci: ConfigurationItem): Translation {
  const draft = new Draft(objectKey(ci.uniqueId, 'terms'), 'unknown');
  draft.block(TERMS_REASON);
  return finish(
    { uniqueId: ci.uniqueId, ciId: ci.ciId, kind: 'termsAndConditions', name: ci.name, description: ci.description, platform: 'unknown' },
    draft,
    undefined,
  );
}
