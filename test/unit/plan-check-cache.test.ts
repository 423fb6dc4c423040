// PlanCheckCache: the editor's checks of a plan, done once per text. A result is given again only
// for the same file and text while the files the checks looked for are as they were. DocumentTexts:
// an open plan's text read once per version of the document.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PlanCheckCache, PlanReadError } from '../../src/core/plan';
import { DocumentTexts } from '../../src/extension/documentText';

const FIXTURE = join(__dirname, '../fixtures/plans/broken/20-snapshot-not-found.migration.json');
const text = readFileSync(FIXTURE, 'utf8');
const FILE = '/plans/contoso.migration.json';
const SNAPSHOT = '/plans/exports/contoso site.snapshot.json';

/** A file system of the paths in `present`, counting what the checks ask. */
function files(present: Set<string>) {
  const asked: string[] = [];
  return { asked, exists: (path: string) => (asked.push(path), present.has(path)) };
}

test('the same text of the same file is checked once; the result is the same object', () => {
  const fs = files(new Set([SNAPSHOT]));
  const cache = new PlanCheckCache(8, fs.exists);
  const first = cache.check(text, FILE);
  assert.equal(first.plan?.name, 'Contoso hybrid MDM to Intune standalone');
  // An equal text that is not the same string (the editor builds a new one on each getText()).
  const again = cache.check(text.split('\n').join('\n'), FILE);
  assert.equal(again, first);
  assert.deepEqual(fs.asked, [SNAPSHOT, SNAPSHOT], 'a hit only looks again for the snapshot the check looked for');
});

test('a changed text is checked again: the result says what the new text says', () => {
  const cache = new PlanCheckCache(8, files(new Set([SNAPSHOT])).exists);
  const first = cache.check(text, FILE);
  const renamed = cache.check(text.replace('"Contoso hybrid MDM to Intune standalone"', '"Contoso, wave 1"'), FILE);
  assert.notEqual(renamed, first);
  assert.equal(renamed.plan?.name, 'Contoso, wave 1');
  const broken = cache.check(text.replace('"P0100014"', '42'), FILE);
  assert.equal(broken.plan, undefined);
  assert.ok(broken.findings.some((f) => f.severity === 'error' && f.pointer === '/subscriptionCollection'));
  // Back to the first text: checked again, not the broken result.
  assert.equal(cache.check(text, FILE).plan?.name, 'Contoso hybrid MDM to Intune standalone');
});

test('a file the check looked for that appears (or goes) makes the next check run again', () => {
  const present = new Set<string>();
  const cache = new PlanCheckCache(8, files(present).exists);
  const missing = cache.check(text, FILE);
  assert.equal(missing.plan, undefined);
  assert.ok(missing.findings.some((f) => f.code === 'plan/file-not-found'));
  present.add(SNAPSHOT); // the admin exported the snapshot: the same text is valid now
  const found = cache.check(text, FILE);
  assert.equal(found.plan?.site.source, 'snapshot');
  assert.ok(!found.findings.some((f) => f.code === 'plan/file-not-found'));
  present.delete(SNAPSHOT);
  assert.ok(cache.check(text, FILE).findings.some((f) => f.code === 'plan/file-not-found'));
});

test('the same text of another file is checked for that file (its folder decides which files exist)', () => {
  const cache = new PlanCheckCache(8, files(new Set([SNAPSHOT])).exists);
  assert.ok(cache.check(text, FILE).plan);
  const elsewhere = cache.check(text, '/other/contoso.migration.json');
  assert.equal(elsewhere.plan, undefined);
  assert.equal(elsewhere.file, '/other/contoso.migration.json');
});

test('text that is not JSON throws the same PlanReadError until it is fixed', () => {
  const cache = new PlanCheckCache(8, files(new Set([SNAPSHOT])).exists);
  const bad = text.replace('"version": 1,', '"version": 1,,');
  assert.throws(
    () => cache.check(bad, FILE),
    (e) => e instanceof PlanReadError && /not valid JSON/.test(e.message),
  );
  assert.throws(() => cache.check(bad, FILE), PlanReadError);
  assert.ok(cache.check(text, FILE).plan);
});

test('only the most recently used files are kept', () => {
  const fs = files(new Set());
  const cache = new PlanCheckCache(2, fs.exists);
  const a = cache.check(text, '/a/x.migration.json');
  cache.check(text, '/b/x.migration.json');
  assert.equal(cache.check(text, '/a/x.migration.json'), a, 'a was used last but one: still kept');
  cache.check(text, '/c/x.migration.json'); // b is the oldest now and goes
  assert.equal(cache.check(text, '/a/x.migration.json'), a);
  const before = fs.asked.length;
  cache.check(text, '/b/x.migration.json');
  assert.ok(fs.asked.length > before, 'b was checked again');
});

/** A document as VS Code's: its text built again from its lines on each getText(), its version grows with each edit. */
function editorDocument(initial: string) {
  let lines = initial.split('\n');
  const doc = {
    version: 1,
    reads: 0,
    getText: () => (doc.reads++, lines.join('\n')),
    edit(from: string, to: string) {
      lines = lines.join('\n').replace(from, to).split('\n');
      doc.version++;
    },
  };
  return doc;
}

test("an open plan's text is read once per version, and an edit gives the new text and a new check", () => {
  const texts = new DocumentTexts();
  const cache = new PlanCheckCache(8, files(new Set([SNAPSHOT])).exists);
  const doc = editorDocument(text);
  const first = texts.text(doc);
  assert.equal(texts.text(doc), first, 'the same string for the same version');
  assert.equal(doc.reads, 1);
  const checked = cache.check(texts.text(doc), FILE);
  assert.equal(cache.check(texts.text(doc), FILE), checked);

  doc.edit('"Pilot"', '"Pilot – Oslo"');
  const edited = texts.text(doc);
  assert.equal(doc.reads, 2);
  assert.match(edited, /"Pilot – Oslo"/);
  const again = cache.check(edited, FILE);
  assert.notEqual(again, checked);
  assert.equal(again.plan?.waves?.[0].name, 'Pilot – Oslo');

  // An edit undone is a new version with the old text: read again, and its check is the text's.
  doc.edit('"Pilot – Oslo"', '"Pilot"');
  assert.equal(texts.text(doc), text);
  assert.equal(doc.reads, 3);
  assert.equal(cache.check(texts.text(doc), FILE).plan?.waves?.[0].name, 'Pilot');
});

test('each open document has its own text', () => {
  const texts = new DocumentTexts();
  const a = editorDocument(text);
  const b = editorDocument(text.replace('"Pilot"', '"Pilot B"'));
  assert.match(texts.text(a), /"Pilot"/);
  assert.match(texts.text(b), /"Pilot B"/);
  assert.match(texts.text(a), /"Pilot"/);
});
