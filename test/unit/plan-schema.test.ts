import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkPlanText, loadPlanFile, PlanReadError } from '../../src/core/plan';
import { STARTER_PLAN } from '../../src/core/plan/starter';
import { fillStarter } from '../support/starter';

const root = join(__dirname, '../..');
const schema = JSON.parse(readFileSync(join(root, 'schemas/migration-plan.schema.json'), 'utf8'));

test('the sample plans load without findings', () => {
  const samples = readdirSync(join(root, 'samples')).filter((f) => f.endsWith('.migration.json'));
  assert.ok(samples.length >= 2);
  for (const name of samples) {
    const loaded = loadPlanFile(join(root, 'samples', name));
    assert.deepEqual(loaded.findings, [], name);
    assert.ok(loaded.plan, name);
  }
});

test('the starter plan has comments, names no server the admin lacks, and says what to fill in', () => {
  assert.match(STARTER_PLAN, /^\/\/ /m);
  const loaded = checkPlanText(STARTER_PLAN, join(root, 'cm2intune.migration.json'));
  // Only its placeholders, each one "fill in" error at its own line, and nothing else about them.
  assert.deepEqual(
    loaded.findings.map((f) => [f.severity, f.code, f.pointer]),
    [
      ['error', 'plan/fill-in', '/site/server'],
      ['error', 'plan/fill-in', '/site/database'],
      ['error', 'plan/fill-in', '/site/auth/domain'],
      ['error', 'plan/fill-in', '/site/auth/user'],
    ],
  );
  assert.match(
    loaded.findings[0].message,
    /^Fill in site\.server: replace the starter plan's placeholder "<.*>" with your site database server/,
  );
  assert.doesNotMatch(STARTER_PLAN, /cm01\.contoso\.com"/, 'no made-up server as a value');
  // Filled in, it is a plan without findings, on the sandbox tenant.
  const filled = checkPlanText(fillStarter(STARTER_PLAN), join(root, 'cm2intune.migration.json'));
  assert.deepEqual(filled.findings, []);
  assert.equal(filled.plan?.version, 1);
  assert.deepEqual(filled.plan?.tenant, { sandbox: true });
});

test('the manifest contributes the schema for *.migration.json', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '*.migration.json', url: './schemas/migration-plan.schema.json' }]);
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
});

test('every property in the schema has a description and an example', () => {
  const missing: string[] = [];
  const visit = (node: Record<string, unknown>, path: string) => {
    for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      const ref = typeof child.$ref === 'string' ? resolveRef(child.$ref) : {};
      const merged = { ...ref, ...child };
      if (typeof merged.description !== 'string') missing.push(`${path}/${key}: description`);
      if (!Array.isArray(merged.examples) && merged.const === undefined) missing.push(`${path}/${key}: examples`);
      visit(merged, `${path}/${key}`);
      if (merged.items && typeof merged.items === 'object') visit(merged.items as Record<string, unknown>, `${path}/${key}[]`);
      if (merged.additionalProperties && typeof merged.additionalProperties === 'object') {
        visit(merged.additionalProperties as Record<string, unknown>, `${path}/${key}{}`);
      }
    }
  };
  const resolveRef = (ref: string) => schema.definitions[ref.replace('#/definitions/', '')];
  visit(schema, '');
  for (const [name, def] of Object.entries(schema.definitions as Record<string, Record<string, unknown>>)) visit(def, `#${name}`);
  assert.deepEqual(missing, []);
});

test('a file that is not JSON is a read error with its position, not findings', () => {
  assert.throws(
    () => checkPlanText('{\n  "version": 1,\n  "name": \n}', 'x.migration.json'),
    (error: unknown) => error instanceof PlanReadError && error.message.startsWith('x.migration.json:4:1: not valid JSON'),
  );
  assert.throws(() => checkPlanText('[1, 2]', 'x.migration.json'), /a plan is a JSON object/);
  assert.throws(() => checkPlanText('', 'x.migration.json'), /not valid JSON/);
});

test('positions count UTF-16 columns on lines with non-Latin text', () => {
  const text =
    '{\n  "version": 1, "name": "山田 – Zoë\'s plan", "site": {"source": "snapshot", "path": "missing.json"},\n  "tenant": { "sandbox": true }\n}';
  const [finding] = checkPlanText(text, join(root, 'x.migration.json')).findings;
  assert.equal(finding.code, 'plan/file-not-found');
  assert.deepEqual(finding.range!.start, { line: 1, character: text.split('\n')[1].indexOf('"missing.json"') });
});

test('a plan that names a sandbox world: site and tenant of the same world load; a mismatch is an error at /site/world', () => {
  const file = join(root, 'rehearsal', 'contoso.migration.json');
  const good = checkPlanText(
    JSON.stringify({ version: 1, name: 'Rehearsal', site: { source: 'sandbox', world: '.' }, tenant: { sandbox: true, world: './' } }),
    file,
  );
  assert.deepEqual(good.findings, []);
  assert.deepEqual(good.plan?.site, { source: 'sandbox', world: '.' });

  const otherTenant = checkPlanText(
    JSON.stringify({ version: 1, name: 'Rehearsal', site: { source: 'sandbox', world: '.' }, tenant: { sandbox: true } }),
    file,
  );
  assert.deepEqual(
    otherTenant.findings.map((f) => [f.code, f.severity]),
    [['plan/sandbox-world-mismatch', 'error']],
  );
  assert.match(otherTenant.findings[0].message, /"tenant": \{ "sandbox": true, "world": "\." \}/);

  const noWorld = checkPlanText(
    JSON.stringify({ version: 1, name: 'Rehearsal', site: { source: 'sandbox' }, tenant: { sandbox: true } }),
    file,
  );
  assert.ok(
    noWorld.findings.some((f) => f.severity === 'error' && /world/.test(f.message)),
    JSON.stringify(noWorld.findings),
  );
});

test("every plan property explains itself in the editor's hover: its own text, rendered where it has code", () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '../../schemas/migration-plan.schema.json'), 'utf8')) as Record<string, unknown>;
  const problems: string[] = [];
  const walk = (node: unknown, path: string, inCondition: boolean) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`, inCondition));
    if (typeof node !== 'object' || node === null) return;
    const object = node as Record<string, unknown>;
    for (const [name, value] of Object.entries((object.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      const at = `${path}/properties/${name}`;
      const text = value.markdownDescription ?? value.description;
      // `if` branches only test a value; their properties are not what the admin hovers.
      if (!inCondition && typeof text !== 'string') problems.push(`${at}: no description`);
      // Beside a $ref, draft-07 ignores a description: the hover would show the definition's generic one.
      if ('$ref' in value && typeof text === 'string') problems.push(`${at}: description beside $ref (use allOf)`);
      if (typeof value.description === 'string' && value.description.includes('`') && !value.markdownDescription)
        problems.push(`${at}: backticks in a plain description (add markdownDescription)`);
      if (Array.isArray(value.enumDescriptions) && (value.enumDescriptions as string[]).some((d) => d.includes('`')))
        problems.push(`${at}: backticks in enumDescriptions (use markdownEnumDescriptions)`);
    }
    for (const [key, value] of Object.entries(object)) walk(value, `${path}/${key}`, inCondition || key === 'if');
  };
  walk(schema, '', false);
  assert.deepEqual(problems, []);
});

test('groups.acceptDifferentMembers: collection IDs only; an entry groups.map decides already is a warning at its place', () => {
  const text = (accept: unknown) =>
    JSON.stringify(
      {
        version: 1,
        name: "O'Neil – Zoë",
        // a file that exists: only the groups section is under test
        site: { source: 'snapshot', path: 'package.json' },
        tenant: { sandbox: true },
        groups: { map: { P0100031: ['Ventes & Marketing'] }, acceptDifferentMembers: accept },
      },
      null,
      2,
    );
  const file = join(root, 'accept.migration.json');
  assert.deepEqual(checkPlanText(text(['P0100032']), file).findings, []);
  const mapped = checkPlanText(text(['P0100032', 'P0100031']), file).findings;
  assert.deepEqual(
    mapped.map((f) => [f.code, f.pointer, f.severity]),
    [['plan/accept-mapped', '/groups/acceptDifferentMembers/1', 'warning']],
  );
  assert.match(mapped[0].message, /P0100031, which groups\.map maps already/);
  const bad = checkPlanText(text(['Sales Users']), file).findings;
  assert.equal(bad.length, 1);
  assert.equal(bad[0].pointer, '/groups/acceptDifferentMembers/0');
  assert.match(bad[0].message, /collection ID/);
});
