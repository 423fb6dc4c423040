// Issue 11, items 3 and 4, against the sandbox tenant over HTTP: traps written into the tenant by
// this test (the shared seed stays as it is) — a synced group a deployment would map to, given a
// member its collection does not have; a hand-made policy with a selected CI's name; a marker on
// an object of another type. After the import, every assignment reaches exactly the users its
// collections reach in ConfigMgr (those Entra ID has), and a second import proposes nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { effectiveUsers, type PictureItem } from '../../src/core/analysis';
import { proposeImport, readImportPicture, toCreate, type ImportRead } from '../../src/core/phases/import';
import { openSession } from '../../src/core/session';
import { withMarker } from '../../src/core/translate';
import type { TdsTestServer } from '../../src/sandbox/site/tds';
import { importInProcess, MARKER, openWorld, startContosoSite, type ImportWorld } from './import-world';

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

async function picture(): Promise<ImportRead> {
  const session = await openSession(world.planFile, { use: 'import', readOnly: true, password: site.password });
  try {
    return await readImportPicture(session);
  } finally {
    await session.close();
  }
}

async function graph(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${world.sandbox.url}${path}`, {
    method,
    headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const bare = (t: string) => t.replace(/^#?microsoft\.graph\./, '');

test('a group with other members, a hand-made namesake and a marker on the wrong type: no assignment reaches anyone ConfigMgr did not target', async () => {
  const before = await picture();
  // Trap 1: a cloud group with the name of a deployed collection that has no group yet, holding
  // one of its users and someone it does not have.
  const bare1 = before.picture.groups.find(
    (m) =>
      m.status === 'create' &&
      (m.members?.length ?? 0) > 1 &&
      before.picture.items.some((i) => toCreate(i) && i.assign && i.deployments.some((d) => d.collectionId === m.collectionId)),
  );
  assert.ok(bare1, 'Contoso has an assigned collection no group matches');
  const state0 = world.sandbox.objects();
  const intruder = state0.users.find((u) => u.userPrincipalName === 'intune.admin@contoso.onmicrosoft.com')!;
  const insider = state0.users.find((u) => bare1.members!.some((m) => m.sid && m.sid === u.onPremisesSecurityIdentifier))!;
  const trap = await graph('POST', '/v1.0/groups', {
    displayName: bare1.collectionName,
    mailEnabled: false,
    mailNickname: 'made-by-hand',
    securityEnabled: true,
    'members@odata.bind': [intruder.id, insider.id].map((id) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`),
  });
  assert.equal(trap.status, 201, JSON.stringify(trap.body));
  const trapGroup = String(trap.body.id);
  const trapped0 = bare1;

  // Traps 2 and 3 on device configurations without dependencies: a hand-made policy with one's
  // name; another's marker pasted onto an object of a different type.
  const plain = before.picture.items.filter(
    (i) => toCreate(i) && i.translation.request!.resource === 'deviceConfigurations' && i.translation.dependencies.length === 0,
  );
  const handMadeOf = plain.find((i) => i.assign)!;
  const markedOf = plain.find((i) => i !== handMadeOf && i.assign)!;
  const otherType = plain.find((i) => bare(i.translation.request!.odataType) !== bare(markedOf.translation.request!.odataType))!;
  assert.ok(handMadeOf && markedOf && otherType, 'three assigned device configurations, two types');
  const post = (item: PictureItem, over: Record<string, unknown>) =>
    graph('POST', `/${item.translation.request!.apiVersion}/deviceManagement/deviceConfigurations`, {
      ...item.translation.request!.body,
      ...over,
    });
  const handMade = await post(handMadeOf, { description: 'Made by hand in the portal' });
  assert.equal(handMade.status, 201, JSON.stringify(handMade.body));
  const wrong = await post(otherType, {
    displayName: markedOf.translation.source.name,
    description: withMarker('pasted by hand', markedOf.key),
  });
  assert.equal(wrong.status, 201, JSON.stringify(wrong.body));

  // The preview says it all before anything is written.
  const read = await picture();
  const trapped = read.picture.groups.find((m) => m.collectionId === trapped0.collectionId)!;
  assert.equal(trapped.status, 'create', 'the same-name group is not used; a group is created from the collection');
  assert.match(trapped.membership!.summary, /^\+1 \/ −\d+ users \(\+ intune\.admin@contoso\.onmicrosoft\.com; − /);
  assert.deepEqual(trapped.groups, [{ displayName: `${bare1.collectionName} (ConfigMgr ${bare1.collectionId})`, via: 'create' }]);
  assert.ok(read.picture.findings.some((f) => f.code === 'analysis/group-members-differ' && f.message.includes(trapped0.collectionId)));
  assert.ok(read.picture.findings.some((f) => f.code === 'analysis/same-name-in-tenant' && f.message.includes(String(handMade.body.id))));
  const marked = read.picture.items.find((i) => i.key === markedOf.key)!;
  assert.deepEqual([marked.state, marked.assign, marked.counterpart?.id], ['drifted', undefined, wrong.body.id]);
  const session = await openSession(world.planFile, { use: 'import', readOnly: true, password: site.password });
  const titles = (await proposeImport(read, session.graph).finally(() => session.close())).map((s) => s.title);
  assert.ok(
    titles.some((t) => t.includes(`"${handMadeOf.translation.source.name} (from ConfigMgr)", beside a hand-made object`)),
    titles.join('\n'),
  );

  const first = await importInProcess(world.planFile, site.password);
  assert.equal(first.run.failed + first.run.skipped, 0);

  // After the import: the tenant as Graph has it.
  const state = world.sandbox.objects();
  const users = new Map(state.users.map((u) => [u.id, u]));
  const membersOf = (groupId: string, seen = new Set<string>()): string[] => {
    if (seen.has(groupId)) return [];
    seen.add(groupId);
    return (state.groupMembers[groupId] ?? []).flatMap((id) => (users.has(id) ? [id] : membersOf(id, seen)));
  };
  const entraId = (u: { sid: string | null; upn: string | null }) =>
    state.users.find((x) => u.sid && String(x.onPremisesSecurityIdentifier ?? '').toLowerCase() === u.sid.toLowerCase())?.id ??
    state.users.find((x) => u.upn && String(x.userPrincipalName).toLowerCase() === u.upn.toLowerCase())?.id;
  const reached = (collectionId: string) => new Set(effectiveUsers(read.model, collectionId).flatMap((u) => entraId(u) ?? []));

  // Every assignment's effective audience against its collections' effective members.
  const items = new Map(first.read.picture.items.map((i) => [i.key, i]));
  let checked = 0;
  for (const o of [...state.deviceConfigurations, ...state.deviceCompliancePolicies, ...state.mobileApps]) {
    const targets = (state.assignments[o.id] ?? []).map((a) => a.target as { '@odata.type': string; groupId?: string });
    if (targets.length === 0) continue;
    const key = MARKER.exec(String(o.description ?? ''))?.[1];
    const item = key ? items.get(key) : undefined;
    assert.ok(item, `assigned object "${o.displayName}" is cm2intune's`);
    assert.ok(!targets.some((t) => t.groupId === trapGroup), `"${o.displayName}" is not assigned to the group with an intruder`);
    const include = new Set(targets.filter((t) => !/exclusion/i.test(t['@odata.type'])).flatMap((t) => membersOf(t.groupId!)));
    for (const t of targets.filter((x) => /exclusion/i.test(x['@odata.type']))) for (const id of membersOf(t.groupId!)) include.delete(id);
    const targeted = new Set(item.deployments.flatMap((d) => [...reached(d.collectionId)]));
    const outside = [...include].filter((id) => !targeted.has(id)).map((id) => users.get(id)!.userPrincipalName);
    assert.deepEqual(outside, [], `"${o.displayName}" reaches nobody ConfigMgr did not target`);
    if (item.deployments.length === 1)
      assert.deepEqual([...include].sort(), [...targeted].sort(), `"${o.displayName}" reaches everyone its collection reaches`);
    checked++;
  }
  assert.ok(checked > 10, `${checked} assigned objects checked`);

  // The created group holds the collection's users Entra ID has (the same-name one is left alone).
  const created = state.groups.find((g) => g.mailNickname === `cm2intune-${trapped0.collectionId}`)!;
  assert.ok(created, 'a group was created for the collection');
  assert.deepEqual(membersOf(created.id).sort(), [...reached(trapped0.collectionId)].sort());
  // The wrong-type object got no assignments, and the object the marker names was not created.
  assert.deepEqual(state.assignments[String(wrong.body.id)] ?? [], []);
  const withMarkedKey = state.deviceConfigurations.filter((o) => MARKER.exec(String(o.description ?? ''))?.[1] === markedOf.key);
  assert.deepEqual(
    withMarkedKey.map((o) => o.id),
    [wrong.body.id],
  );
  // The hand-made policy is untouched; cm2intune's is beside it, told apart by name.
  const hand = state.deviceConfigurations.find((o) => o.id === handMade.body.id)!;
  assert.deepEqual(
    [hand.displayName, hand.description, state.assignments[String(hand.id)] ?? []],
    [handMadeOf.translation.source.name, 'Made by hand in the portal', []],
  );
  const ours = state.deviceConfigurations.filter((o) => MARKER.exec(String(o.description ?? ''))?.[1] === handMadeOf.key);
  assert.deepEqual(
    ours.map((o) => o.displayName),
    [`${handMadeOf.translation.source.name} (from ConfigMgr)`],
  );

  // A second import proposes nothing.
  const again = await picture();
  const session2 = await openSession(world.planFile, { use: 'import', readOnly: true, password: site.password });
  const rerun = await proposeImport(again, session2.graph).finally(() => session2.close());
  assert.deepEqual(
    rerun.map((s) => s.title),
    [],
  );
});
