// Create order: every object after the objects it binds to (trusted root -> SCEP -> Wi-Fi/VPN/
// e-mail). Stable: among the objects that are ready, the earliest in the input goes first.
import type { Finding } from '../findings';
import type { Translation } from './types';

export function dependencyOrder(translations: Translation[]): { ordered: Translation[]; findings: Finding[] } {
  const index = new Map(translations.map((t, i) => [t.key, i]));
  // Dependencies on objects outside the list (already in Intune, or missing) don't order anything.
  const needs = translations.map(
    (t) => new Set(t.dependencies.map((d) => index.get(d.key)).filter((i): i is number => i !== undefined && i !== index.get(t.key))),
  );
  const done = new Set<number>();
  const ordered: Translation[] = [];
  while (done.size < translations.length) {
    const next = translations.findIndex((_, i) => !done.has(i) && [...needs[i]].every((n) => done.has(n)));
    if (next < 0) break;
    done.add(next);
    ordered.push(translations[next]);
  }
  const findings: Finding[] = [];
  const stuck = translations.filter((_, i) => !done.has(i));
  if (stuck.length > 0) {
    findings.push({
      severity: 'error',
      code: 'translate/dependency-cycle',
      message: `These objects depend on each other in a circle, so none can be created first: ${stuck.map((t) => `"${t.source.name}" (${t.key})`).join(', ')}. Break the circle in ConfigMgr or exclude one of them in import.exclude.`,
      pointer: '/import',
    });
    ordered.push(...stuck);
  }
  return { ordered, findings };
}
