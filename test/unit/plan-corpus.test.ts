// Every broken plan in the corpus states its expected findings in `// expect:` lines:
// severity, code, line:column (one-based) and the start of the message.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadPlanFile } from '../../src/core/plan';

const dir = join(__dirname, '../fixtures/plans/broken');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.migration.json'))
  .sort();

test('the corpus holds at least 30 broken plans', () => {
  assert.ok(files.length >= 30, `only ${files.length} broken plans`);
});

for (const name of files) {
  test(`broken plan ${name}`, () => {
    const file = join(dir, name);
    const expected = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('// expect: '))
      .map((line) => line.slice('// expect: '.length));
    assert.ok(expected.length > 0, 'the fixture states no expectation');
    const loaded = loadPlanFile(file);
    const actual = loaded.findings.map(
      (f) => `${f.severity} ${f.code} ${f.range!.start.line + 1}:${f.range!.start.character + 1} ${f.message.slice(0, 60)}`,
    );
    assert.deepEqual(actual, expected);
    if (loaded.findings.some((f) => f.severity === 'error')) assert.equal(loaded.plan, undefined, 'a plan with errors must not load');
    for (const f of loaded.findings) {
      assert.match(f.message, /[:.]/, 'a message says what is wrong and how to fix it');
      assert.ok(
        f.range!.end.line > f.range!.start.line || f.range!.end.character > f.range!.start.character || f.pointer === '',
        'a finding has a non-empty range',
      );
    }
  });
}
