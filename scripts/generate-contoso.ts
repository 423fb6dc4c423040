// Regenerates the sample site "Contoso": src/sandbox/site/contoso/contoso.sql (what the TDS server
// serves) and test/fixtures/contoso/expected.json (what the tests expect of it). Deterministic.
//   npx tsx scripts/generate-contoso.ts            -> both files (committed)
//   npx tsx scripts/generate-contoso.ts --large [f] -> .bench/site-large.sql (100k users, 10k CIs, 2k collections)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, CONTOSO_SQL, CONTOSO_USERS, generateLargeSite, writeSql } from '../src/sandbox/site/contoso/generate';

const CONTOSO_EXPECTED = join(__dirname, '../test/fixtures/contoso/expected.json');

async function main(): Promise<void> {
  const large = process.argv.indexOf('--large');
  if (large >= 0) {
    const path = process.argv[large + 1]?.startsWith('-') ? undefined : process.argv[large + 1];
    console.log(`wrote ${(await generateLargeSite(path)).path}`);
    return;
  }
  const site = buildSite({ users: CONTOSO_USERS });
  await writeSql(CONTOSO_SQL, site.rows);
  writeFileSync(CONTOSO_EXPECTED, JSON.stringify(site.expected, null, 2) + '\n');
  console.log(`wrote ${CONTOSO_SQL} and ${CONTOSO_EXPECTED}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
