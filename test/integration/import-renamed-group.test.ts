// A cloud group cm2intune created is its own object: renamed in Entra ID, or joined by another
// group of the same name, it is still found (by its mail nickname) and never created twice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSession } from '../../src/core/session';
import { proposeImport, readImportPicture } from '../../src/core/phases/import';
import type { TdsTestServer } from '../../src/sandbox/site/tds';
import { importInProcess, openWorld, startContosoSite, type ImportWorld } from './import-world';

let site: TdsTestServer;
let world: ImportWorld;
before(async () => {
  site = await startContosoSite();
  world = await openWorld(site);
});
after(async () => {
  await world?.close();
  await site?.close();
});

test('a created group that was renamed, with a new same-name group beside it, is not created again', async () => {
  const first = await importInProcess(world.planFile, site.password);
  assert.equal(first.run.failed + first.run.skipped, 0);
  const vip = world.sandbox.objects().groups.find((g) => g.mailNickname === 'cm2intune-P010001D');
  assert.ok(vip, 'the first run created the VIP Users group');
  const call = (method: string, path: string, body: unknown) =>
    fetch(`${world.sandbox.url}/v1.0${path}`, {
      method,
      headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  assert.equal((await call('PATCH', `/groups/${vip.id}`, { displayName: 'VIP Users (Intune)' })).status, 204);
  assert.equal(
    (
      await call('POST', '/groups', {
        displayName: 'VIP Users',
        mailEnabled: false,
        mailNickname: 'vip-users-helpdesk',
        securityEnabled: true,
      })
    ).status,
    201,
  );

  const session = await openSession(world.planFile, { use: 'import', readOnly: true, password: site.password });
  try {
    const read = await readImportPicture(session);
    const mapping = read.picture.groups.find((g) => g.collectionId === 'P010001D')!;
    assert.deepEqual(
      mapping.groups.map((g) => [g.id, g.via]),
      [[vip.id, 'created']],
    );
    assert.deepEqual(
      (await proposeImport(read, session.graph)).map((s) => s.title),
      [],
    );
  } finally {
    await session.close();
  }
});
