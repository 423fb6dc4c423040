import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { commands } from '../../src/cli/commands/index';
import { repoRoot, runCli } from '../support/cli';
import { fillStarter } from '../support/starter';

const broken = join(repoRoot, 'test/fixtures/plans/broken');
const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');

test('validate: a good plan exits 0 and says so', async () => {
  const r = await runCli(['validate', 'samples/contoso.migration.json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /samples\/contoso\.migration\.json: no problems found\./);
});

test('validate: errors print file:line:col: severity: message and exit 1', async () => {
  const r = await runCli(['validate', 'test/fixtures/plans/broken/37-user-in-two-waves.migration.json']);
  assert.equal(r.code, 1);
  assert.equal(
    r.stdout.trim(),
    'test/fixtures/plans/broken/37-user-in-two-waves.migration.json:49:9: error: User "Zoe.OConnor@contoso.com" is in wave "Pilot" and in wave "Wave 2": a user moves once. Remove it from one of the waves.',
  );
  assert.match(r.stderr, /1 error\(s\), 0 warning\(s\)/);
});

test('validate: warnings alone exit 0', async () => {
  const r = await runCli(['validate', join(broken, '23-trust-server-certificate.migration.json')]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /:\d+:\d+: warning: trustServerCertificate accepts any certificate/);
});

test('validate --json prints the findings as JSON', async () => {
  const r = await runCli(['validate', '--json', join(broken, '36-duplicate-wave-name.migration.json')]);
  assert.equal(r.code, 1);
  const findings = JSON.parse(r.stdout);
  assert.deepEqual(
    findings.map((f: { code: string; pointer: string; line: number }) => [f.code, f.pointer, f.line]),
    [['plan/duplicate-wave-name', '/waves/1/name', 46]],
  );
});

test('validate resolves the plan against the folder the user ran from', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-cli-'));
  writeFileSync(join(dir, 'my plan.migration.json'), readFileSync(join(repoRoot, 'samples/contoso.migration.json')));
  const r = await runCli(['validate', 'my plan.migration.json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
});

test('an unreadable or non-JSON file is one line and exit 2, never a stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-cli-'));
  writeFileSync(join(dir, 'half.migration.json'), '{\n  "version": 1,\n  "name": "Half"\n');
  const cases: [string[], RegExp][] = [
    [['validate', 'half.migration.json'], /^cm2intune validate: half\.migration\.json:4:1: not valid JSON: '\}' is expected\. .*\n$/],
    [['validate', 'absent.migration.json'], /^cm2intune validate: absent\.migration\.json: can't read the plan: no such file\.\n$/],
    [['validate', '.'], /^cm2intune validate: \.: can't read the plan: it is a folder, not a plan file\.\n$/],
  ];
  for (const [args, expected] of cases) {
    const r = await runCli(args, { cwd: dir });
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, expected);
    assert.equal(r.stdout, '');
    noStack(r.stderr);
  }
});

test('bad usage exits 2 with the usage line', async () => {
  for (const args of [['validate'], ['validate', 'a', 'b'], ['validate', '--colour', 'x.migration.json'], ['frobnicate']]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /Usage: cm2intune/);
    noStack(r.stderr);
  }
});

test('--help works for the program and every command', async () => {
  const top = await runCli(['--help']);
  assert.equal(top.code, 0);
  for (const command of commands) {
    assert.match(top.stdout, new RegExp(`^  ${command.name}\\s+\\S`, 'm'), `listed: ${command.name}`);
    const r = await runCli([command.name, '--help']);
    assert.equal(r.code, 0, command.name);
    assert.match(r.stdout, new RegExp(`^Usage: cm2intune ${command.name.split(' ')[0]}`), command.name);
  }
});

test('init writes a starter plan whose only findings say what to fill in, and refuses to overwrite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-cli-'));
  assert.equal((await runCli(['init'], { cwd: dir })).code, 0);
  const again = await runCli(['init'], { cwd: dir });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists: choose another name or add --force/);
  const check = await runCli(['validate', 'cm2intune.migration.json'], { cwd: dir });
  assert.notEqual(check.code, 0);
  const said = check.stdout + check.stderr;
  assert.equal(said.match(/Fill in /g)?.length, 4, said);
  assert.match(said, /Fill in site\.server: replace the starter plan's placeholder/);
  writeFileSync(join(dir, 'cm2intune.migration.json'), fillStarter(readFileSync(join(dir, 'cm2intune.migration.json'), 'utf8')));
  const filled = await runCli(['validate', 'cm2intune.migration.json'], { cwd: dir });
  assert.equal(filled.code, 0, filled.stdout + filled.stderr);
  assert.equal((await runCli(['init', 'plan.json'], { cwd: dir })).code, 2);
});

test('validate: with a snapshot site, plan ids that select nothing are warnings at their line', async () => {
  const { writeSnapshotFile } = await import('../../src/core/site/snapshot');
  const { loadContosoModel } = await import('../fixtures/contoso/load');
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-cli-'));
  const model = await loadContosoModel();
  await writeSnapshotFile(join(dir, 'site.snapshot.json'), model);
  const scanner = model.applications.find((a) => a.name === "Stéphane's Barcode Scanner")!;
  const plan = {
    version: 1,
    name: "Contoso – Zoë's rehearsal",
    site: { source: 'snapshot', path: 'site.snapshot.json' },
    tenant: { sandbox: true },
    import: {
      includeRetired: [scanner.uniqueId, 'ScopeId_7E3D2B1C-4F5A-4C1B-9D2E-5A6B7C8D9E0F/Application_00000000-0000-4000-a000-000000000000'],
    },
  };
  writeFileSync(join(dir, 'plan.migration.json'), JSON.stringify(plan, null, 2));
  const r = await runCli(['validate', join(dir, 'plan.migration.json')]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, r.stdout);
  assert.match(
    lines[0],
    /plan\.migration\.json:14:\d+: warning: import\.includeRetired names "ScopeId_7E3D.*Application_00000000-0000-4000-a000-000000000000", which matches no object of the site \(site\.snapshot\.json\)/,
  );
  noStack(r.stdout + r.stderr);
});
