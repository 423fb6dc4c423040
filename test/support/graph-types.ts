// Checks a create body against the writable properties of its @odata.type and of the complex
// types it carries, from the table the sandbox tenant builds from Microsoft's Graph metadata
// (src/sandbox/tenant/graph-types.json, see docs/sandbox-tenant.md).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Translation } from '../../src/core/translate';

const FILE = join(__dirname, '../../src/sandbox/tenant/graph-types.json');
type Info = { abstract: boolean; writable: string[]; bindable: Record<string, boolean>; complex?: Record<string, string> };
const types: (Record<string, Record<string, Info>> & { complex: Record<string, Record<string, string[]>> }) | null = existsSync(FILE)
  ? JSON.parse(readFileSync(FILE, 'utf8'))
  : null;

/** The properties of a complex type in a Graph version (e.g. the flags of iosMinimumOperatingSystem); null without the table. */
export function complexTypeProperties(version: 'v1.0' | 'beta', name: string): string[] | null {
  return types ? (types.complex[version][name] ?? []) : null;
}

/** Nested navigation properties Graph accepts inline on create (not plain properties). */
const INLINE = new Set(['scheduledActionsForRule']);

export function assertDocumentedBody(t: Translation): void {
  assert.ok(t.request, `${t.source.name}: no request`);
  if (!types) return; // the table belongs to the sandbox; without it only the other assertions run
  const name = t.request.odataType.replace('#microsoft.graph.', '');
  const info = types[t.request.apiVersion][name];
  assert.ok(info, `${name} is not a documented ${t.request.apiVersion} type`);
  assert.equal(info.abstract, false, `${name} is abstract`);
  for (const key of Object.keys(t.request.body)) {
    if (key === '@odata.type' || INLINE.has(key)) continue;
    assert.ok(info.writable.includes(key), `${name}.${key} is not a documented writable property`);
    const complex = info.complex?.[key];
    const value = t.request.body[key];
    if (complex && value && typeof value === 'object' && !Array.isArray(value)) {
      const known = types.complex[t.request.apiVersion][complex] ?? [];
      for (const k of Object.keys(value))
        assert.ok(known.includes(k), `${name}.${key}.${k} is not a property of ${complex} in ${t.request.apiVersion}`);
    }
  }
  for (const dep of t.dependencies) assert.ok(dep.bind in info.bindable, `${name}.${dep.bind} is not a documented navigation property`);
}
