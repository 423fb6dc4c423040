// The sandbox generates its sample site and tenant in memory (the package does not carry them);
// the committed files are what tests serve over TDS and what a reviewer diffs, so they must be the
// same text. When this fails, regenerate: `npx tsx scripts/generate-contoso.ts && npx tsx scripts/make-seed.ts`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONTOSO_SQL, contosoFixture } from '../../src/sandbox/site/contoso/generate';
import { defaultSeed } from '../../src/sandbox/tenant';

test('the generated sample site is the committed contoso.sql, byte for byte', () => {
  const generated = contosoFixture().sql;
  const committed = readFileSync(CONTOSO_SQL, 'utf8');
  assert.ok(generated.length > 100_000, 'the generated site is not empty');
  assert.equal(generated, committed);
});

test('the generated tenant seed is the committed contoso.seed.json', () => {
  const committed = JSON.parse(readFileSync(join(__dirname, '../../src/sandbox/tenant/seed/contoso.seed.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  delete committed.$schema;
  const generated = defaultSeed();
  assert.ok((generated.users ?? []).length > 400, 'the seed has the sample users');
  assert.deepEqual(JSON.parse(JSON.stringify(generated)), committed);
});
