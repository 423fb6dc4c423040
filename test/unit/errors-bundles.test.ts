// The extension runs the core from its own bundle (dist/extension-core.js), with its own copy of the
// error classes: the faces must know a UserError or a CancelledError from that copy too, or a
// refusal the admin can act on turns into a failure with a stack, and a cancel into an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, isCancelledError, isUserError, UserError } from '../../src/core/errors';

/** The classes as the other bundle defines them: same names, other identities. */
class OtherUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
class OtherCancelledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CancelledError';
  }
}

test("errors from the core's other bundle are known by name, not only by class", () => {
  const refused = new OtherUserError('Step not marked done: step "open-wizard" comes later');
  assert.equal(refused instanceof UserError, false, 'the premise: another copy of the class');
  assert.equal(isUserError(refused), true);
  assert.equal(isCancelledError(new OtherCancelledError('stopped watching')), true);
  assert.equal(isUserError(new UserError('x')), true);
  assert.equal(isCancelledError(new CancelledError()), true);
  for (const other of [new Error('socket hang up'), new TypeError('x'), 'UserError', { name: 'UserError' }, undefined]) {
    assert.equal(isUserError(other), false, String(other));
    assert.equal(isCancelledError(other), false, String(other));
  }
});
