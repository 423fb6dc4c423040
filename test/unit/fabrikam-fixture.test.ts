// The committed Fabrikam site and seed are what their generators write today, so a change to the
// generator that was not regenerated (npx tsx scripts/generate-fabrikam.ts) fails here, not as a
// puzzling difference in the integration test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { sqlStatements } from '../../src/sandbox/site/contoso/generate';
import { buildFabrikam, FABRIKAM_HEADER, FABRIKAM_SQL } from '../../src/sandbox/site/fabrikam/generate';
import { makeFabrikamSeed } from '../../src/sandbox/tenant/seed/make-fabrikam-seed';

it('fabrikam.sql and fabrikam.seed.json are what the generators write', () => {
  const site = buildFabrikam();
  const sql = [...sqlStatements(site.rows, FABRIKAM_HEADER)].join('\n') + '\n';
  assert.ok(sql === readFileSync(FABRIKAM_SQL, 'utf8'), 'fabrikam.sql is stale: run npx tsx scripts/generate-fabrikam.ts');
  const { $schema: _, ...seed } = JSON.parse(
    readFileSync(join(__dirname, '../../src/sandbox/tenant/seed/fabrikam.seed.json'), 'utf8'),
  ) as Record<string, unknown>;
  assert.deepEqual(
    seed,
    JSON.parse(JSON.stringify(makeFabrikamSeed(site))),
    'fabrikam.seed.json is stale: run npx tsx scripts/generate-fabrikam.ts',
  );
});
