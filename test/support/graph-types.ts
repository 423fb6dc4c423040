// Checks a create body against the documented writable properties of its @odata.type, from the
// table the sandbox tenant builds from microsoft-graph-docs (src/sandbox/tenant/graph-types.json).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Translation } from '../../src/core/translate';

const FILE = join(__dirname, '../../src/sandbox/tenant/graph-types.json');
type Info = { abstract: boolean; writable: string[]; bindable: Record<string, boolean> };
const types: Record<string, Record<string, Info>> | null = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : null;

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
  }
  for (const dep of t.dependencies) assert.ok(dep.bind in info.bindable, `${name}.${dep.bind} is not a documented navigation property`);
}
