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
    walkthroughs: { id: string; steps: { id: string; description: string; media: { markdown?: string }; completionEvents?: string[] }[] }[];
  };
};

test('the walkthrough rehearses the sample migration first, then the four phases, then your own site', () => {
  const [walkthrough] = manifest.contributes.walkthroughs;
  assert.deepEqual(
    walkthrough.steps.map((s) => s.id),
    ['sample', 'view', 'import', 'prepare', 'waves', 'authority', 'connect'],
  );
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
