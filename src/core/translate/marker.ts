// The visible marker of a ConfigMgr source on its Intune object: `[cm2intune:<key>]` at the end of
// the description. Admins see it in the portal; a second run finds the object by it (the tenant is
// the truth, the ledger only a cache).
//
// The key is the CI unique id WITHOUT its trailing revision (`/7`), so editing the CI in ConfigMgr
// does not orphan the Intune object, plus `#<platform>` (one ConfigMgr CI can be several Intune
// objects, one per platform) or, for apps, `#<package kind>`.
import { stripRevision } from '../unique-id';

const MARKER = /\[cm2intune:([^\]\s]+)\]/g;

/** `variant`: the platform, or an app's package kind. */
export function objectKey(uniqueId: string, variant: string): string {
  return `${stripRevision(uniqueId)}#${variant}`;
}

/** The unique id (without revision) and variant of a key. */
export function parseKey(key: string): { uniqueId: string; variant: string } {
  const at = key.lastIndexOf('#');
  return at < 0 ? { uniqueId: key, variant: '' } : { uniqueId: key.slice(0, at), variant: key.slice(at + 1) };
}

export function markerFor(key: string): string {
  return `[cm2intune:${key}]`;
}

/** The key of the last marker in a description, or null. */
export function parseMarker(description: string | null | undefined): string | null {
  let last: string | null = null;
  for (const m of (description ?? '').matchAll(MARKER)) last = m[1];
  return last;
}

/** The ConfigMgr description with the marker at its end (an existing marker is replaced). */
export function withMarker(description: string, key: string): string {
  const text = description.replace(MARKER, '').trim();
  return text ? `${text}\n\n${markerFor(key)}` : markerFor(key);
}
