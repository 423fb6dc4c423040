// `npm run sandbox -- --seed <file>`: a seed file is checked against its schema, and a bad one is
// refused with the file and the first problems named, not started half-read.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSeedFile } from '../../src/sandbox/tenant/seed-file';

const committed = join(__dirname, '../../src/sandbox/tenant/seed/contoso.seed.json');

test('the committed Contoso seed reads as a seed file', () => {
  const seed = readSeedFile(committed);
  assert.equal(seed.tenantId, '00000000-0000-4000-8000-000000000001');
  assert.ok((seed.users ?? []).some((u) => typeof u.userPrincipalName === 'string' && u.userPrincipalName.endsWith('@contoso.com')));
});

test('a seed file that is not JSON, or not a seed, is refused with the file named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-seed-'));
  const notJson = join(dir, "Fabrikam's seed.json");
  writeFileSync(notJson, '{"tenantId": ');
  assert.throws(
    () => readSeedFile(notJson),
    (e: Error) => e.message.includes(notJson) && /could not be read as JSON/.test(e.message),
  );
  const wrong = join(dir, 'wrong.json');
  writeFileSync(wrong, JSON.stringify({ tenantId: 42, users: 'none' }));
  assert.throws(
    () => readSeedFile(wrong),
    (e: Error) => e.message.includes(wrong) && /does not follow schemas\/sandbox-seed\.schema\.json: .*\/(tenantId|users)/.test(e.message),
  );
});
