// Phase 1 as a person reads it, from the Contoso site over an empty tenant: the preview, the
// report and the status table, as text (CLI) and Markdown (editor, report file).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { StepOutcome } from '../../src/core/phases/execute';
import { analyseImport, proposeImport, readImportSources, type ImportRead } from '../../src/core/phases/import';
import {
  countSteps,
  describeCounts,
  importPreview,
  importReport,
  mdText,
  previewAfterRun,
  previewLeftOut,
  previewLines,
  previewToMarkdown,
  previewToText,
  reportPath,
  outcomeRows,
  reportSummary,
  reportToMarkdown,
  reportToText,
  statusToMarkdown,
  statusToText,
  statusView,
  table,
  tenantName,
  writeImportReport,
} from '../../src/core/phases/render';
import type { Step } from '../../src/core/phases/steps';
import { nameWithPlatform } from '../../src/core/analysis/selection';
import { memberSteps } from '../../src/core/phases/import';
import { CONTOSO_PLAN, contosoGroups, contosoModel, fakeSession, fakeTenant } from '../support/fake-session';

let read: ImportRead;
let steps: Step[];

before(async () => {
  const model = await contosoModel();
  const users = model.users.filter((u) => u.upn).map((u, n) => ({ id: `u-${n}`, userPrincipalName: u.upn! }));
  const { graph, reads } = fakeTenant(await contosoGroups(), users);
  const session = fakeSession(CONTOSO_PLAN, graph, reads);
  read = analyseImport(await readImportSources(session), session);
  steps = await proposeImport(read, graph);
});

const preview = () => importPreview(read, steps, { plan: 'contoso sandbox.migration.json', tenant: 'the sandbox tenant' });

describe('the import preview', () => {
  it('counts requests by kind, members included', () => {
    const n = countSteps(steps);
    assert.equal(n.requests, steps.length);
    assert.equal(n.requests, n.groups + n.objects + n.assignments + n.memberRequests);
    assert.ok(n.groups >= 3 && n.objects > 30 && n.assignments > 10, JSON.stringify(n));
    assert.equal(
      n.members,
      steps
        .filter((s) => s.action === 'addMembers')
        .reduce((sum, s) => sum + (s.request.body as { 'members@odata.bind': string[] })['members@odata.bind'].length, 0),
    );
    assert.match(
      describeCounts(n),
      new RegExp(`^${n.objects} objects, ${n.assignments} assignments, ${n.groups} groups and ${n.members} group members$`),
    );
  });

  it("puts a group's member additions in one line with the member count and the number of requests", () => {
    const intuneUsers = steps.filter((s) => s.action === 'addMembers' && s.title.endsWith('"Intune Users"'));
    assert.ok(intuneUsers.length > 1, 'Intune Users needs several requests of 20 members');
    const members = intuneUsers.reduce(
      (sum, s) => sum + (s.request.body as { 'members@odata.bind': string[] })['members@odata.bind'].length,
      0,
    );
    const lines = preview().lines.filter((l) => l.action === 'addMembers' && l.title.endsWith('"Intune Users"'));
    assert.deepEqual(lines, [{ action: 'addMembers', title: `Add ${members} members to "Intune Users"`, requests: intuneUsers.length }]);
    assert.match(
      previewToText(preview()),
      new RegExp(`\\d+\\. Add ${members} members to "Intune Users" — ${intuneUsers.length} requests\\n`),
    );
    assert.match(
      previewToMarkdown(preview()),
      new RegExp(`\\n\\d+\\. Add ${members} members to "Intune Users" — ${intuneUsers.length} requests\\n`),
    );
    // one line per group, however the steps are ordered
    const groups = new Set(steps.filter((s) => s.action === 'addMembers').map((s) => s.key)).size;
    assert.equal(previewLines(steps.slice().reverse()).filter((l) => l.action === 'addMembers').length, groups);
  });

  it('as text: the picture in numbers, numbered steps, settings left out, blocked objects with why', () => {
    const text = previewToText(preview());
    const p = preview();
    assert.match(
      text,
      new RegExp(
        `^${p.objects.all} objects in the site, ${p.objects.selected} selected by the plan: 0 already in Intune, ${p.objects.importable} importable, ${p.objects.partial} partly importable, ${p.objects.blocked} blocked\\.\\n`,
      ),
    );
    assert.match(text, new RegExp(`\\nPreview for the sandbox tenant: ${steps.length} requests: ${p.counts.groups} groups to create, `));
    assert.match(text, /\n {4}1\. Create security group "/);
    assert.match(text, / {2}\d+\. Create Wi-Fi profile "Contoso-Guest \(macOS\)" \(macOS\)\n/);
    // Unicode and apostrophes as written, nothing escaped in text
    assert.match(text, /"iOS – Kiosk iPads \(Reception\)"/);
    assert.match(
      text,
      /\nSettings left out:\n(.*\n)* {2}Contoso VPN \(iOS\):\n {4}- VPN server vpn2\.contoso\.com: Intune's iOS VPN profile takes one server\n/,
    );
    assert.match(
      text,
      /\nSelected but blocked \(not imported\):\n {2}Contoso User PFX \(iOS\): PFX settings can't be imported.+\n(.*\n)* {2}Legacy import – broken digest \(iOS\): /,
    );
    assert.ok(text.includes('(from \\\\cm01.contoso.com\\Sources$\\Apps\\'), 'a UNC path as written');
    assert.ok(!/\\[_*[\]<>|]/.test(text), 'no Markdown escapes in text');
    assert.ok(previewToMarkdown(preview()).includes('(from \\\\\\\\cm01.contoso.com\\\\Sources$'), 'the same path escaped in Markdown');
  });

  it('the numbers add up to the selected objects, a drifted one included (issue 11)', () => {
    // One selected object found in Intune under another type: drifted, as the Fabrikam site's seed has it.
    const drifted = { ...read, picture: { ...read.picture, items: read.picture.items.map((i) => ({ ...i })) } };
    const item = drifted.picture.items.find((i) => i.selected && i.state === 'importable')!;
    item.state = 'drifted';
    const p = importPreview(drifted, steps, { plan: 'p', tenant: 'the sandbox tenant' });
    const o = p.objects;
    assert.equal(o.imported + o.importable + o.partial + o.blocked + o.drifted, o.selected);
    assert.equal(o.drifted, 1);
    assert.match(previewToText(p), new RegExp(`, ${o.blocked} blocked, 1 drifted in Intune \\(cm2intune status says how\\)\\.\\n`));
    assert.match(previewToText(preview()), / blocked\.\n/, 'nothing said when nothing drifted');
  });

  it('as Markdown: the same content, with names escaped only where Markdown would change them', () => {
    const md = previewToMarkdown(preview());
    assert.match(
      md,
      /^# Import preview: contoso sandbox\.migration\.json\n\nTenant: the sandbox tenant\. Nothing has been written yet: these \d+ requests run in this order after you confirm\.\n/,
    );
    assert.match(md, /\n## Steps\n\n1\. Create security group "/);
    assert.match(
      md,
      /\n\d+\. Create Wi-Fi profile "Contoso-Guest \(macOS\)" \(macOS\)\n/,
      'brackets and dashes stay readable in the editor',
    );
    assert.match(
      md,
      /\n## Settings left out\n\n(.*\n)*- \*\*Contoso VPN \(iOS\)\*\*\n {2}- VPN server vpn2\.contoso\.com: Intune's iOS VPN profile takes one server\n/,
    );
    assert.match(md, /\n## Selected but blocked\n\n- \*\*Contoso User PFX \(iOS\)\*\*: PFX settings /);
    const lines = md.split('\n').filter((l) => /^\d+\. /.test(l));
    assert.equal(lines.length, preview().lines.length);
  });

  it('escapes what Markdown would read as markup', () => {
    assert.equal(mdText('Sales_EMEA *VIP* [pilot] <b> a|b \\'), 'Sales\\_EMEA \\*VIP\\* \\[pilot\\] \\<b\\> a\\|b \\\\');
    assert.equal(mdText('# not a heading'), '\\# not a heading');
    assert.equal(mdText("O'Neill – 東京 (Zoë)"), "O'Neill – 東京 (Zoë)");
  });

  it('nothing to import: says why, in both renderings, and carries the reasons it is given', () => {
    const none = importPreview(read, [], { plan: 'p.migration.json', tenant: 'the sandbox tenant' });
    assert.deepEqual(none.lines, []);
    assert.ok(none.nothingReasons.length >= 2, none.nothingReasons.join(' | '));
    assert.match(
      previewToText(none),
      /\nNothing to import: no selected object is in Intune; \d+ can't be imported: "[^"]+" \(.+\), and \d+ more \(see above\)\.\n\nSelected but blocked \(not imported\):\n/,
    );
    const given = importPreview(read, [], {
      plan: 'p.migration.json',
      tenant: 'the sandbox tenant',
      nothingReasons: ['the plan selects no kind', 'group "O\'Neill" is missing'],
    });
    assert.match(previewToText(given), /\nNothing to import: the plan selects no kind; group "O'Neill" is missing\.\n/);
    assert.match(
      previewToMarkdown(given),
      /\n\*\*Nothing to import:\*\* the plan selects no kind; group "O'Neill" is missing\.\n\n## Selected but blocked\n/,
    );
  });
});

describe('the preview as a document (issue 15 item 4)', () => {
  it('a 10,000-member group is one line with the count and its 500 requests, between the other steps', () => {
    const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const members = memberSteps({ baseUrl: 'https://graph.microsoft.com' }, 'CON00042', 'Sales Team', users);
    const [first, ...rest] = steps.filter((s) => s.action === 'create');
    // interleaved with a create, as a critical-path order may leave them
    const mixed = [first, ...members.slice(0, 250), rest[0], ...members.slice(250)];
    assert.deepEqual(previewLines(mixed), [
      { action: 'create', title: first.title, requests: 1 },
      { action: 'addMembers', title: 'Add 10,000 members to "Sales Team"', requests: 500 },
      { action: 'create', title: rest[0].title, requests: 1 },
    ]);
    const one = memberSteps({ baseUrl: 'https://graph.microsoft.com' }, 'CON00043', 'Pilot', ['u1']);
    const p = { ...preview(), lines: previewLines([...mixed, ...one]) };
    const md = previewToMarkdown(p);
    assert.match(md, /\n2\. Add 10,000 members to "Sales Team" — 500 requests\n/);
    assert.match(md, /\n4\. Add 1 member to "Pilot" — 1 request\n/);
    assert.doesNotMatch(md, /member\(s\)/);
  });

  it('says up front what is blocked or imported in part, lists them with their reasons before the steps, and the dialog can say it too', () => {
    const p = preview();
    assert.ok(p.blocked.length > 0 && p.partial.length > 0, 'the Contoso site has blocked and partly importable objects');
    const leftOut = previewLeftOut(p);
    assert.equal(
      leftOut,
      `${p.blocked.length} selected objects are blocked and will not be imported; ${p.partial.length} objects are imported in part (settings left out): the preview lists them and why.`,
    );
    const md = previewToMarkdown(p);
    assert.match(md, /\n\*\*Not everything is imported:\*\* \d+ selected objects are blocked .*: the sections below list them and why\.\n/);
    const blocked = md.indexOf('\n## Selected but blocked\n');
    const leftOutAt = md.indexOf('\n## Settings left out\n');
    const stepsAt = md.indexOf('\n## Steps\n');
    assert.ok(blocked > 0 && leftOutAt > blocked && stepsAt > leftOutAt, 'blocked, then left out, then the steps');
    for (const o of p.blocked) assert.ok(md.includes(`- **${mdText(o.name)}**`), `${o.name} is listed`);
    assert.match(
      previewToText(p),
      /:\n {2}\d+ selected objects are blocked and will not be imported; \d+ objects are .*: see below for why\.\n {4}1\. /,
    );
    assert.equal(previewLeftOut({ blocked: [], partial: [] }), '');
  });

  it('after the run the document is the result: when, how many done and failed, the report; never "nothing has been written yet"', () => {
    const outcomes: StepOutcome[] = steps.map((step, i) =>
      i === 1 ? { step, status: 'failed', message: 'HTTP 400 BadRequest: no' } : { step, status: 'done', intuneId: `id-${i}` },
    );
    const report = importReport(read, outcomes, {
      plan: 'contoso sandbox.migration.json',
      tenant: 'the sandbox tenant',
      ms: 2500,
      at: new Date('2026-11-30T23:50:00Z'),
    });
    const md = previewAfterRun(report, 'contoso sandbox.migration.import-report.md');
    assert.match(
      md,
      new RegExp(
        `^# Import done: contoso sandbox\\.migration\\.json\\n\\n\\*\\*Done at 2026-11-30T23:50:00\\.000Z — ${steps.length - 1} done, 1 failed, 0 skipped\\*\\*; the report: contoso sandbox\\.migration\\.import-report\\.md\\n`,
      ),
    );
    assert.doesNotMatch(md, /Nothing has been written yet/);
    assert.match(md, /\n\| 2 \| .* \| failed \| HTTP 400 BadRequest: no \|\n/);
  });
});

describe('the import report', () => {
  const outcomes = (): StepOutcome[] =>
    steps.map((step, i) =>
      i === 1
        ? { step, status: 'failed', message: 'HTTP 400 BadRequest: value | not valid' }
        : i === 2
          ? { step, status: 'skipped', message: `needs "${steps[1].title}", which did not complete` }
          : { step, status: 'done', intuneId: `id-${i}` },
    );

  it('one line per step with its outcome; the objects not imported with why; pipes escaped in the table', () => {
    const report = importReport(read, outcomes(), {
      plan: "Zoë's plan.migration.json",
      tenant: 'the sandbox tenant',
      ms: 3210,
      at: new Date('2026-11-30T12:00:00Z'),
    });
    assert.deepEqual(report.totals, { steps: steps.length, done: steps.length - 2, failed: 1, skipped: 1 });
    assert.equal(
      reportSummary(report),
      `Import into the sandbox tenant: ${steps.length - 2} of ${steps.length} step(s) done, 1 failed, 1 skipped.`,
    );
    const md = reportToMarkdown(report);
    assert.match(
      md,
      /^# cm2intune import report — Zoë's plan\.migration\.json\n\n2026-11-30T12:00:00\.000Z, 3\.2 s, the sandbox tenant: \d+ done, 1 failed, 1 skipped\.\n/,
    );
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    // Intune Users' 19 member requests are one row, as in the preview (they were 19 alike rows).
    const intuneUsers = steps.filter((s) => s.action === 'addMembers' && s.title.endsWith('"Intune Users"'));
    assert.ok(intuneUsers.length > 1);
    const memberSteps = steps.filter((s, i) => s.action === 'addMembers' && i > 2);
    assert.equal(rows.length, steps.length - memberSteps.length + new Set(memberSteps.map((s) => s.key)).size);
    assert.equal(rows.filter((r) => r.includes('"Intune Users"') && r.includes('| done |') && r.includes('Add ')).length, 1);
    // Two of its requests failed and were skipped above; the other 17 are the one row.
    assert.match(md, new RegExp(`\\| Add [\\d,]+ members to "Intune Users" \\(${intuneUsers.length - 2} requests\\) \\| done \\|`));
    assert.equal(rows[1], `| 2 | ${mdText(steps[1].title)} | failed | HTTP 400 BadRequest: value \\| not valid |`);
    for (const row of rows) assert.equal(row.split(/(?<!\\)\|/).length, 6, `four cells: ${row}`);
    assert.match(md, /\n- \*\*Contoso User PFX \(iOS\)\*\* \(blocked\): PFX settings .+/);
    const text = reportToText(report);
    assert.match(text, /^Import into the sandbox tenant: .* 3\.2 s\.\n/);
    assert.match(text, /\n {4}2\. failed {5}.* — HTTP 400 BadRequest: value \| not valid\n/);
  });

  it("a group's member additions that failed keep their own rows and messages; the rest stay one row", () => {
    const members = steps.filter((s) => s.action === 'addMembers' && s.title.endsWith('"Intune Users"'));
    const rows = outcomeRows(
      members.map((step, i) =>
        i === 3 ? { step, status: 'failed', message: 'HTTP 400: one member is not a user' } : { step, status: 'done' },
      ),
    );
    assert.deepEqual(
      rows.map((r) => [r.status, r.steps, r.detail]),
      [
        ['done', members.length - 1, ''],
        ['failed', 1, 'HTTP 400: one member is not a user'],
      ],
    );
    assert.equal(rows[1].title, members[3].title);
    assert.match(rows[0].title, new RegExp(`^Add [\\d,]+ members to "Intune Users" \\(${members.length - 1} requests\\)$`));
  });

  it('is written beside the plan, the same file for the CLI and the editor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm2intune-report-'));
    const plan = join(dir, 'contoso sandbox.migration.json');
    const report = importReport(read, outcomes(), { plan: 'contoso sandbox.migration.json', tenant: 'the sandbox tenant', ms: 1000 });
    const file = writeImportReport(plan, report);
    assert.equal(file, join(dir, 'contoso sandbox.migration.import-report.md'));
    assert.equal(file, reportPath(plan));
    assert.equal(readFileSync(file, 'utf8'), reportToMarkdown(report));
  });

  it("adds an object's platform to its name unless the name already ends with it", () => {
    assert.equal(nameWithPlatform('Contoso-Guest (macOS)', 'macOS'), 'Contoso-Guest (macOS)');
    assert.equal(nameWithPlatform('Contoso-Guest', 'macOS'), 'Contoso-Guest (macOS)');
    assert.equal(nameWithPlatform('Contoso Notes', ''), 'Contoso Notes');
  });

  it('names the tenant: the sandbox, or the id and cloud', () => {
    assert.equal(tenantName({ tenantLabel: 'sandbox', tenantId: 'x' }), 'the sandbox tenant');
    assert.equal(tenantName({ tenantLabel: 'usgov', tenantId: '8f3c' }), 'tenant 8f3c (usgov)');
  });
});

describe('the status table', () => {
  it('as text: aligned columns, states in words, the mapping and the counts', () => {
    const view = statusView(read.picture);
    const lines = statusToText(view).split('\n');
    assert.match(lines[0], /^kind +platform +ConfigMgr object +state +Intune, or why not$/);
    const column = lines[0].indexOf('state');
    const kiosk = lines.find((l) => l.includes('iOS – Kiosk iPads (Reception)'))!;
    assert.equal(
      [...kiosk.slice(0, kiosk.indexOf('partly importable'))].length,
      [...lines[0].slice(0, column)].length,
      'the state column lines up after a name with an en dash',
    );
    const translator = lines.find((l) => l.includes("Zoë's Translator – 翻訳"))!;
    assert.equal([...translator.slice(0, translator.indexOf('importable'))].length, column, 'and after Unicode and an apostrophe');
    assert.ok(
      lines.some((l) => /^P0100021 +O'Neill Project +mapped +O'Neill Project \(name\)$/.test(l)),
      'collection with an apostrophe',
    );
    assert.ok(
      lines.some((l) => /^P010001B +東京オフィス Users +/.test(l)) || !read.picture.groups.some((g) => g.collectionId === 'P010001B'),
    );
    assert.match(
      statusToText(view),
      new RegExp(
        `\\n${view.counts.all} objects: 0 imported, ${view.counts.importable} importable, ${view.counts.partial} partly importable, 0 drifted, ${view.counts.blocked} blocked, ${view.counts.notImported} not imported\\.\\n`,
      ),
    );
  });

  it('as text: a very long name is clipped, so the state column stays in view (issue 11)', () => {
    const view = statusView(read.picture);
    const long = `Fabrikam – ${'Richtlinie für sehr lange Namen '.repeat(9).trim()}`;
    view.rows[0] = { ...view.rows[0], name: long };
    const lines = statusToText(view).split('\n');
    const state = lines[0].indexOf('state');
    assert.ok(state < 140, `the state column starts at ${state}`);
    const row = lines.find((l) => l.includes('Fabrikam – Richtlinie'))!;
    assert.match(row, /Richtlinie[^…]*… +\S/, 'clipped with an ellipsis, then the state');
    assert.equal([...row.slice(0, row.indexOf('…') + 1)].length - [...row].indexOf('F'), 80);
  });

  it('as Markdown: one table row per object and per collection', () => {
    const view = statusView(read.picture);
    const md = statusToMarkdown(view);
    const objectRows = md
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Kind') && !l.startsWith('| Collection') && !/^\| P0/.test(l));
    assert.equal(objectRows.length, view.rows.length);
    assert.ok(md.includes("| P0100021 | O'Neill Project | mapped | O'Neill Project (name) |"));
    assert.ok(md.includes('| Wi-Fi profile | macOS | Contoso-Guest (macOS) | importable |'));
  });

  it('table() pads by characters, not UTF-16 units', () => {
    assert.deepEqual(
      table([
        ['name', 'n'],
        ['𝒵oë', '12'],
        ['Zoe', '3'],
      ]),
      ['name   n', '𝒵oë   12', 'Zoe    3'],
    );
  });
});

describe('settings changed on the way (issue 11 item 5)', () => {
  it('the preview lists each changed setting as old -> new with why, in text and Markdown', () => {
    const p = preview();
    assert.deepEqual(
      p.changed.map((o) => [o.name, o.reasons]),
      [['Contoso VPN (iOS)', ["Server: vpn.contoso.com, vpn2.contoso.com -> vpn.contoso.com (Intune's iOS VPN profile takes one server)"]]],
    );
    assert.match(
      previewToText(p),
      /\nSettings changed on the way:\n {2}Contoso VPN \(iOS\):\n {4}- Server: vpn\.contoso\.com, vpn2\.contoso\.com -> vpn\.contoso\.com \(Intune's iOS VPN profile takes one server\)\n/,
    );
    assert.match(
      previewToMarkdown(p),
      /\n## Settings changed on the way\n\n- \*\*Contoso VPN \(iOS\)\*\*\n {2}- Server: vpn\.contoso\.com/,
    );
  });
});
