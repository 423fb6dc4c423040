// ConfigMgr unique ids (`ScopeId_X/ConfigurationPolicy_Y/3`) end with the CI's revision. The plan,
// the marker and the ledger name an object without it, so editing a CI in ConfigMgr does not make
// it another object. A leaf module: the plan's selection, translation and analysis all compare ids.

/** `ScopeId_X/ConfigurationPolicy_Y/3` -> `ScopeId_X/ConfigurationPolicy_Y`. */
export function stripRevision(uniqueId: string): string {
  return uniqueId.replace(/\/\d+$/, '');
}

/** Case-insensitive, revision-free form for comparing unique ids (plan lists, ledger). */
export function sameUniqueId(a: string, b: string): boolean {
  return stripRevision(a).toLowerCase() === stripRevision(b).toLowerCase();
}
