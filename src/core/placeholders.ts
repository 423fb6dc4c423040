// Intune ids not known yet: `{{id:<key>}}` stands for the id of the object created for <key>
// (a CI key, `group:<collectionId>`) and is filled in just before a request leaves. A leaf module:
// translation and the analysis write placeholders, the phases read and fill them.

const PLACEHOLDER = /\{\{id:([^}]+)\}\}/g;

export function placeholder(key: string): string {
  return `{{id:${key}}}`;
}

/** The keys a body refers to through placeholders. */
export function neededKeys(body: unknown): string[] {
  const keys = new Set<string>();
  JSON.stringify(body ?? null).replace(PLACEHOLDER, (_, key: string) => {
    keys.add(key);
    return '';
  });
  return [...keys];
}

/** The body with every placeholder replaced by the Intune id of its key. */
export function fillIds(body: unknown, ids: ReadonlyMap<string, string>): unknown {
  const text = JSON.stringify(body ?? null).replace(PLACEHOLDER, (_, key: string) => {
    const id = ids.get(key);
    if (!id) throw new Error(`no Intune id for ${key}`);
    return id;
  });
  return JSON.parse(text);
}
