// tenant/shape.ts: what counts as a list, a created object, a $batch answer and a record with its
// fields, and how little of a body a message may show.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchProblem, bodyHint, createdProblem, fieldsProblem, listProblem } from '../../src/core/tenant/shape';

const answer = (body: unknown, contentType = 'application/json') => ({ status: 200, contentType, body });

test('a list is an object with a "value" array and, at most, a string next-page link', () => {
  assert.equal(listProblem(answer({ value: [] })), undefined);
  assert.equal(
    listProblem(answer({ value: [{ id: 'x' }], '@odata.nextLink': 'https://graph.microsoft.com/beta/x?$skiptoken=1' })),
    undefined,
  );
  assert.equal(listProblem(answer({ value: [], '@odata.nextLink': null })), undefined, 'null is no link');
  assert.match(listProblem(answer({}))!, /"value" is missing \(an empty JSON object \{\}\)/);
  assert.match(listProblem(answer({ value: null }))!, /"value" is null/);
  assert.match(listProblem(answer({ value: { id: 'x' } }))!, /"value" is an object/);
  assert.match(listProblem(answer({ value: [], '@odata.nextLink': 3 }))!, /"@odata.nextLink" is a number, not a link/);
  assert.match(
    listProblem(answer('<html><body>Bad gateway</body></html>', 'text/html; charset=utf-8'))!,
    /an HTML\/XML page \(text\/html, 37 characters, starting "<html><body>Bad gateway<…"\)/,
  );
  assert.match(listProblem(answer('{"value":[{"id":"a"'))!, /JSON that does not parse \(cut off\?\)/);
  assert.match(listProblem(answer(undefined, ''))!, /an empty body \(no content type\)/);
});

test('a created object has a non-empty string id; a $batch answer has responses with ids and statuses', () => {
  assert.equal(createdProblem(answer({ id: '6f1c…', displayName: 'Contoso Root CA (iOS)' })), undefined);
  assert.match(createdProblem(answer({ id: 12 }))!, /the created object's "id" is a number, not a string/);
  assert.match(createdProblem(answer({ id: '' }))!, /"id" is empty/);
  assert.match(createdProblem(answer({ displayName: 'x' }))!, /"id" is missing/);
  assert.match(createdProblem(answer('Created', 'text/plain'))!, /text that is not JSON/);
  assert.equal(batchProblem(answer({ responses: [{ id: '1', status: 201, body: {} }] })), undefined);
  assert.match(batchProblem(answer({ value: [] }))!, /"responses" is missing/);
  assert.match(batchProblem(answer({ responses: [{ id: '1', status: 200 }, { id: '2' }] }))!, /response 2 of the \$batch answer/);
});

test('records: each item an object with the fields read from it', () => {
  const fields = { id: 'string', displayName: 'string', mailNickname: 'string?' } as const;
  assert.equal(
    fieldsProblem(
      [
        { id: 'g1', displayName: "O'Brien's Team", mailNickname: null },
        { id: 'g2', displayName: 'Équipe Zürich' },
      ],
      fields,
      'group',
    ),
    undefined,
  );
  assert.equal(
    fieldsProblem([{ id: 'g1', displayName: 'Sales', mailNickname: 5 }], fields, 'group'),
    'group 1 has "mailNickname" as a number, not a string',
  );
  assert.equal(
    fieldsProblem([{ id: 'g1', displayName: 'Sales' }, { displayName: 'Ops' }], fields, 'group'),
    'group 2 has no "id", not a string',
  );
  assert.equal(fieldsProblem([{ id: '', displayName: 'Sales' }], fields, 'group'), 'group 1 has "id" as an empty string, not a string');
  assert.equal(fieldsProblem([null], fields, 'group'), 'group 1 is null, not an object');
  assert.equal(
    fieldsProblem([{ id: 'o', assignments: {} }], { assignments: 'array?' }, 'object'),
    'object 1 has "assignments" as an object, not an array',
  );
});

test('a body hint is short and redacted: never a token, never more than the start of the body', () => {
  const page = `Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln and then the rest of an upstream error page ${'x'.repeat(5000)}`;
  const hint = bodyHint(answer(page, 'text/plain'));
  assert.ok(!hint.includes('eyJ'), hint);
  assert.ok(!hint.includes('upstream'), hint);
  assert.ok(hint.length < 120, hint);
  assert.equal(bodyHint(answer({ a: 1, b: 2, c: 3, d: 4, e: 5 })), 'a JSON object with "a", "b", "c", "d", …');
});
