// Regenerates the sandbox tenant's Contoso seed (src/sandbox/tenant/seed/contoso.seed.json) from
// the sample site, so the tenant's users, groups and devices match the site's.
//   npx tsx scripts/make-seed.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSeed } from '../src/sandbox/tenant/seed/make-seed';

const target = join(__dirname, '../src/sandbox/tenant/seed/contoso.seed.json');
// One object per line: compact, yet a change shows up as a readable diff.
const seed: Record<string, unknown> = { $schema: '../../../../schemas/sandbox-seed.schema.json', ...makeSeed() };
const lines = Object.entries(seed).map(([key, value]) =>
  Array.isArray(value)
    ? `${JSON.stringify(key)}: [\n${value.map((v) => '  ' + JSON.stringify(v)).join(',\n')}\n]`
    : `${JSON.stringify(key)}: ${JSON.stringify(value)}`,
);
writeFileSync(target, `{\n${lines.join(',\n')}\n}\n`);
console.log(`wrote ${target}`);
