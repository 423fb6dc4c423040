// Which phase-1 objects a face shows: a filter by state, kind and platform, each facet optional
// (absent or empty = any), the facets combined with "and", the values of one facet with "or".
import { UserError } from '../errors';
import type { Platform } from '../site/model';
import type { TranslationKind } from '../translate/types';
import { PLATFORM_NAMES } from '../translate/common';
import { KIND_LABELS, STATE_LABELS } from './selection';
import { STATE_ORDER } from './summary';
import type { ItemState, PictureItem } from './types';

export interface PictureFilter {
  states?: ItemState[];
  kinds?: TranslationKind[];
  /** `ios`, `android`, `windows`, `macos`, or `none` for an object without a platform (a web app). */
  platforms?: string[];
}

export const NO_PLATFORM = 'none';

const any = (values: readonly string[] | undefined) => !values || values.length === 0;

/** True when the filter leaves every object in. */
export const isEmptyFilter = (filter: PictureFilter | undefined) =>
  !filter || (any(filter.states) && any(filter.kinds) && any(filter.platforms));

const platformOf = (item: PictureItem) => {
  const p = item.translation.source.platform;
  return p in PLATFORM_NAMES ? p : NO_PLATFORM;
};

export function matchesFilter(item: PictureItem, filter: PictureFilter | undefined): boolean {
  if (!filter) return true;
  const { kind } = item.translation.source;
  if (!any(filter.states) && !filter.states!.includes(item.state)) return false;
  if (!any(filter.kinds) && !filter.kinds!.includes(kind)) return false;
  if (!any(filter.platforms) && !filter.platforms!.map((p) => p.toLowerCase()).includes(platformOf(item))) return false;
  return true;
}

/**
 * The filter as given by a caller (a command's argument, a test): unknown values are refused with
 * the values that are known, so a typo never silently shows an empty tree.
 */
export function checkFilter(value: unknown): PictureFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FilterError('The filter must be an object: { states?: [...], kinds?: [...], platforms?: [...] }.');
  const v = value as Record<string, unknown>;
  const unknownKeys = Object.keys(v).filter((k) => !['states', 'kinds', 'platforms'].includes(k));
  if (unknownKeys.length) throw new FilterError(`The filter has no facet "${unknownKeys[0]}": use states, kinds or platforms.`);
  const list = <T extends string>(facet: string, known: readonly T[]): T[] | undefined => {
    const raw = v[facet];
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string'))
      throw new FilterError(`The filter's ${facet} must be a list of strings (one of ${known.join(', ')}).`);
    const wrong = (raw as string[]).find((x) => !known.includes(x.toLowerCase() as T) && !known.includes(x as T));
    if (wrong !== undefined) throw new FilterError(`The filter's ${facet} names "${wrong}": use one of ${known.join(', ')}.`);
    return raw as T[];
  };
  const filter: PictureFilter = {};
  const states = list('states', STATE_ORDER);
  const kinds = list('kinds', Object.keys(KIND_LABELS) as TranslationKind[]);
  const platforms = list('platforms', [...(Object.keys(PLATFORM_NAMES) as Platform[]), NO_PLATFORM]);
  if (states) filter.states = states;
  if (kinds) filter.kinds = kinds;
  if (platforms) filter.platforms = platforms.map((p) => p.toLowerCase());
  return filter;
}

/** A filter given with a facet or value that doesn't exist; the message names the known ones. */
export class FilterError extends UserError {}

/** `partly importable or blocked · Wi-Fi profile · iOS or macOS`: what the filter shows, in words. */
export function describeFilter(filter: PictureFilter): string {
  const parts: string[] = [];
  if (!any(filter.states)) parts.push(filter.states!.map((s) => STATE_LABELS[s]).join(' or '));
  if (!any(filter.kinds)) parts.push(filter.kinds!.map((k) => KIND_LABELS[k]).join(' or '));
  if (!any(filter.platforms)) parts.push(filter.platforms!.map((p) => PLATFORM_NAMES[p as Platform] ?? 'no platform').join(' or '));
  return parts.join(' · ');
}
