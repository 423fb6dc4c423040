// Regenerates the second sample site "Fabrikam" (issue 11): src/sandbox/site/fabrikam/fabrikam.sql
// (what the TDS server serves) and src/sandbox/tenant/seed/fabrikam.seed.json (its tenant, with
// traps). Deterministic; both files are committed.
//   npx tsx scripts/generate-fabrikam.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSql } from '../src/sandbox/site/contoso/generate';
import { buildFabrikam, FABRIKAM_HEADER, FABRIKAM_SQL } from '../src/sandbox/site/fabrikam/generate';
import { makeFabrikamSeed } from '../src/sandbox/tenant/seed/make-fabrikam-seed';

const SEED = join(__dirname, '../src/sandbox/tenant/seed/fabrikam.seed.json');

async function main(): Promise<void> {
  const site = buildFabrikam();
  await writeSql(FABRIKAM_SQL, site.rows, FABRIKAM_HEADER);
  // One object per line, as the Contoso seed: compact, and a change is a readable diff.
  const seed: Record<string, unknown> = { $schema: '../../../../schemas/sandbox-seed.schema.json', ...makeFabrikamSeed(site) };
  const lines = Object.entries(seed).map(([key, value]) =>
    Array.isArray(value)
      ? `${JSON.stringify(key)}: [\n${value.map((v) => '  ' + JSON.stringify(v)).join(',\n')}\n]`
      : `${JSON.stringify(key)}: ${JSON.stringify(value)}`,
  );
  writeFileSync(SEED, `{\n${lines.join(',\n')}\n}\n`);
  console.log(`wrote ${FABRIKAM_SQL} and ${SEED}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
