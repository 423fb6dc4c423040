// Issue 15: after an import on the sample migration (the sandbox world, as the VS Code tree reads
// it), a collection whose group cm2intune created is mapped to that group, with its member count;
// a collection only a blocked object is deployed to never read "will be created" before or after.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openSession } from '../../src/core/session';
import { executeImport, proposeImport, readImportPicture } from '../../src/core/phases/import';
import { openSandboxWorld, startWorldForPlan, WORLD_PLAN_FILE, worldPlanText } from '../../src/sandbox';
import { FAST_PACING } from './import-world';
import { removeDir, tempDir } from './sandbox-world-support';

let dir: string;
let planFile: string;
before(async () => {
  dir = tempDir();
  // Made once, as "Open the sample migration" does; each session starts it again from the folder.
  await (await openSandboxWorld({ dir, log: () => {} })).close();
  planFile = join(dir, WORLD_PLAN_FILE);
  writeFileSync(planFile, worldPlanText());
});
after(() => removeDir(dir));

const startWorld = (options: Parameters<typeof startWorldForPlan>[0]) => startWorldForPlan(options);

async function picture() {
  const session = await openSession(planFile, { use: 'import', readOnly: true, startWorld });
  try {
    return (await readImportPicture(session)).picture;
  } finally {
    await session.close();
  }
}

test('a collection whose group the import created is mapped to it, with its members; one nothing needs is never "to create"', async () => {
  const before = await picture();
  const vip = before.groups.find((g) => g.collectionId === 'P010001D')!;
  assert.equal(vip.status, 'create');
  assert.ok(vip.memberCount! > 0, `VIP Users has users to add: ${vip.reason}`);
  const retired = before.groups.find((g) => g.collectionName === 'Retired – do not use')!;
  assert.equal(retired.assignedBy, 0, 'only a blocked object is deployed to it');
  assert.match(retired.reason, /^nothing the plan imports is assigned to this collection, so no group is created for it/);

  const session = await openSession(planFile, { use: 'import', startWorld, pacing: FAST_PACING });
  try {
    const read = await readImportPicture(session);
    const steps = await proposeImport(read, session.graph);
    assert.ok(!steps.some((s) => s.id === `group:${retired.collectionId}`), 'no group is created for the retired collection');
    const run = await executeImport(session, read, steps);
    assert.equal(run.failed + run.skipped, 0);
  } finally {
    await session.close();
  }

  const afterImport = await picture();
  for (const created of before.groups.filter((g) => g.status === 'create' && g.assignedBy)) {
    const now = afterImport.groups.find((g) => g.collectionId === created.collectionId)!;
    assert.equal(now.status, 'mapped', `${created.collectionName}: ${now.reason}`);
    assert.equal(now.groups[0].via, 'created');
    // Users Entra ID doesn't have can't be added (the preview names them): at most the collection's.
    assert.ok(now.memberCount! > 0 && now.memberCount! <= created.memberCount!, `${created.collectionName}: ${now.memberCount} member(s)`);
    assert.match(now.reason, new RegExp(`; it has ${now.memberCount} members?$`));
  }
  const retiredAfter = afterImport.groups.find((g) => g.collectionId === retired.collectionId)!;
  assert.equal(retiredAfter.assignedBy, 0);
  assert.match(retiredAfter.reason, /so no group is created for it/);
});
