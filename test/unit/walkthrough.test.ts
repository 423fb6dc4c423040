// The walkthrough (contributes.walkthroughs): every step's page is in the package, and every
// command a step offers or waits for is one the extension contributes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    walkthroughs: {
      id: string;
      steps: { id: string; title: string; description: string; media: { markdown?: string }; completionEvents?: string[] }[];
    }[];
  };
};

test('the walkthrough offers two paths, sample then your site, and then the four phases in order', () => {
  const [walkthrough] = manifest.contributes.walkthroughs;
  assert.deepEqual(
    walkthrough.steps.map((s) => s.id),
    ['sample', 'connect', 'siteConnection', 'signIn', 'snapshot', 'view', 'import', 'prepare', 'waves', 'authority'],
  );
  // VS Code shows one list: the titles say which path a step is on.
  const titles = walkthrough.steps.map((s) => s.title);
  assert.deepEqual(
    titles.map((t) => /^Path ([AB]) · /.exec(t)?.[1] ?? '-'),
    ['A', 'B', 'B', 'B', 'B', '-', '-', '-', '-', '-'],
  );
  assert.deepEqual(
    walkthrough.steps.slice(-4).map((s) => /^Phase (\d)/.exec(s.title)?.[1]),
    ['1', '2', '3', '4'],
  );
});

test('each step of "connect your site" offers its command and ticks when it runs', () => {
  const steps = Object.fromEntries(manifest.contributes.walkthroughs[0].steps.map((s) => [s.id, s]));
  for (const [id, command] of [
    ['sample', 'cm2intune.openSampleMigration'],
    ['connect', 'cm2intune.newPlan'],
    ['siteConnection', 'cm2intune.testSiteConnection'],
    ['signIn', 'cm2intune.signIn'],
    ['snapshot', 'cm2intune.exportSiteSnapshot'],
  ]) {
    assert.match(steps[id].description, new RegExp(`\\(command:${command.replace(/\./g, '\\.')}\\)`), id);
    assert.deepEqual(steps[id].completionEvents, [`onCommand:${command}`], id);
  }
});

test('the "connect your site" commands are contributed and registered', () => {
  const source = readFileSync(join(root, 'src/extension/extension.ts'), 'utf8');
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  for (const command of ['cm2intune.testSiteConnection', 'cm2intune.signIn', 'cm2intune.exportSiteSnapshot']) {
    assert.ok(contributed.has(command), `${command} is not contributed`);
    assert.match(source, new RegExp(`'${command.replace('.', '\\.')}':`), `${command} is not registered`);
  }
});

test("every step's page is in the package and every command it names is contributed", () => {
  const commands = new Set(manifest.contributes.commands.map((c) => c.command));
  const views = new Set(Object.values(manifest.contributes.views).flatMap((v) => v.map((x) => x.id)));
  const problems: string[] = [];
  for (const step of manifest.contributes.walkthroughs.flatMap((w) => w.steps)) {
    if (!step.media.markdown || !existsSync(join(root, step.media.markdown))) problems.push(`${step.id}: no page ${step.media.markdown}`);
    const named = [
      ...[...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]),
      ...(step.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)),
    ];
    for (const command of named) {
      const view = command.endsWith('.focus') ? command.slice(0, -'.focus'.length) : undefined;
      if (!commands.has(command) && !(view && views.has(view))) problems.push(`${step.id}: ${command} is not contributed`);
    }
    for (const e of step.completionEvents ?? [])
      if (e.startsWith('onView:') && !views.has(e.slice(7))) problems.push(`${step.id}: no view ${e}`);
  }
  assert.deepEqual(problems, []);
});

// Seen in the UI suite's screenshot (1400×900, the walkthrough in the editor): the steps column
// shows about 33 characters of a bold title on one line ("Path B · Test the site connection" filled
// it), so "Path B · Your site: a migration …" was cut. 31 leaves room for wide letters.
test('no step title is cut in the steps column at the default width', () => {
  const long = manifest.contributes.walkthroughs[0].steps.filter((s) => s.title.length > 31).map((s) => `${s.title} (${s.title.length})`);
  assert.deepEqual(long, []);
});
