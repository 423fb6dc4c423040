// Graph's documented ranges for the integer properties cm2intune writes, so a ConfigMgr value
// Intune would refuse or read differently is never sent as it is, nor coerced in silence.
// Sources (microsoft-graph-docs, resources intune-deviceconfig-<type>.md, "Valid values a to b"):
// iosGeneralDeviceConfiguration and iosCompliancePolicy passcodeMinimumLength 4-14,
// passcodeExpirationDays 1-65535; androidGeneralDeviceConfiguration passwordMinimumLength 4-16,
// passwordExpirationDays 1-365; androidCompliancePolicy passwordMinimumLength 4-16;
// windows10GeneralConfiguration passwordMinimumLength 4-16, passwordExpirationDays 0-730;
// macOSCompliancePolicy passwordMinimumLength 4-14, passwordExpirationDays 1-65535,
// passwordPreviousPasswordBlockCount 1-24; the SCEP profiles' renewalThresholdPercentage 1-99
// (…certificateprofilebase.md). Every Int32 property: -2147483648 to 2147483647 (the CSDL type).
import type { Draft } from './common';

export const INT32_MAX = 2_147_483_647;
const INT32_MIN = -2_147_483_648;

export const RANGES: Record<string, Record<string, readonly [number, number]>> = {
  iosGeneralDeviceConfiguration: { passcodeMinimumLength: [4, 14], passcodeExpirationDays: [1, 65535] },
  iosCompliancePolicy: { passcodeMinimumLength: [4, 14], passcodeExpirationDays: [1, 65535] },
  androidGeneralDeviceConfiguration: { passwordMinimumLength: [4, 16], passwordExpirationDays: [1, 365] },
  androidCompliancePolicy: { passwordMinimumLength: [4, 16] },
  windows10GeneralConfiguration: { passwordMinimumLength: [4, 16], passwordExpirationDays: [0, 730] },
  macOSCompliancePolicy: {
    passwordMinimumLength: [4, 14],
    passwordExpirationDays: [1, 65535],
    passwordPreviousPasswordBlockCount: [1, 24],
  },
};

/** Minimum lengths: raising a too-short minimum to Intune's lowest is stricter, never weaker, so it is a change, not a block. */
const RAISE_TO_MINIMUM = new Set(['passcodeMinimumLength', 'passwordMinimumLength']);

/**
 * The value Graph gets for an integer setting, or undefined when the object must be blocked (the
 * draft says why either way). `setting` is the digest name, `name` the admin's.
 */
export function checkedInteger(draft: Draft, type: string, prop: string, value: number, setting: string, name: string): number | undefined {
  if (value > INT32_MAX || value < INT32_MIN || !Number.isSafeInteger(value)) {
    draft.block(`${name} is ${value}, which overflows the 32-bit whole number Graph stores in ${type}.${prop}`);
    return undefined;
  }
  const range = RANGES[type]?.[prop];
  if (!range || (value >= range[0] && value <= range[1])) {
    draft.keep(setting);
    return value;
  }
  const [low, high] = range;
  if (value < low && RAISE_TO_MINIMUM.has(prop)) {
    draft.change(
      setting,
      String(value),
      String(low),
      `Intune's ${type}.${prop} takes ${low} to ${high}; ${low} is the shortest it allows (stricter, never weaker)`,
      name,
    );
    return low;
  }
  draft.block(
    `${name} is ${value}, outside the ${low} to ${high} Graph documents for ${type}.${prop}: set it within that range in ConfigMgr, or create the profile by hand`,
  );
  return undefined;
}
