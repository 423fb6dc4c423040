// The CLI's frame: one user-facing error type with its exit code, cancelling apart from failing,
// the version from the package, and where relative paths start.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CliIo, Command } from '../../src/cli/cli';
import { CANCELLED_EXIT, main, runCommand, workingFolder } from '../../src/cli/main';
import { CancelledError, UserError } from '../../src/core/errors';
import { PlanError } from '../../src/core/session';
import { SiteSqlError } from '../../src/core/site';
import { GraphOutcomeUnknownError, GraphRequestError } from '../../src/core/tenant';

function io(): CliIo & { lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return {
    lines,
    out: (l) => void lines.out.push(l),
    err: (l) => void lines.err.push(l),
    confirm: async () => undefined,
    cwd: '/work',
    env: {},
  };
}

const failing = (error: unknown): Command => ({
  name: 'import',
  summary: '',
  help: '',
  run: async () => {
    throw error;
  },
});

describe('cm2intune main', () => {
  it('prints the version of the package it ships in', async () => {
    const out = io();
    assert.equal(await main(['--version'], out), 0);
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
    assert.deepEqual(out.lines.out, [pkg.version]);
  });

  it('every error a person can fix is one line with its own exit code, never a stack', async () => {
    const cases: [unknown, number, string][] = [
      [new UserError('--plan is required.'), 2, 'cm2intune import: --plan is required.'],
      [
        new PlanError("Another cm2intune run (process 42) is writing with Zoë's plan.migration.json right now: wait for it to finish."),
        2,
        "cm2intune import: Another cm2intune run (process 42) is writing with Zoë's plan.migration.json right now: wait for it to finish.",
      ],
      [
        new SiteSqlError('Login failed for CONTOSO\\svc-cm-read on cm01.contoso.com: check the password.', 'ELOGIN'),
        1,
        'cm2intune import: Login failed for CONTOSO\\svc-cm-read on cm01.contoso.com: check the password.',
      ],
      [
        new GraphRequestError('POST', '/groups', 403, 'Authorization_RequestDenied', 'Insufficient privileges'),
        1,
        'cm2intune import: POST /groups failed: HTTP 403 Authorization_RequestDenied: Insufficient privileges',
      ],
      [
        new GraphOutcomeUnknownError('POST', '/deviceManagement/deviceConfigurations', 'connection reset'),
        1,
        'cm2intune import: POST /deviceManagement/deviceConfigurations: outcome unknown (connection reset); it may or may not have been applied. Look for the object by its marker before trying again.',
      ],
      [new Error('something unexpected'), 1, 'cm2intune import: something unexpected'],
    ];
    for (const [error, code, line] of cases) {
      const out = io();
      assert.equal(await runCommand(failing(error), [], out), code, line);
      assert.deepEqual(out.lines.err, [line]);
    }
  });

  it('a cancel is not a failure: its own exit code, its message', async () => {
    const out = io();
    assert.equal(await runCommand(failing(new CancelledError('not confirmed: nothing was written.')), [], out), CANCELLED_EXIT);
    assert.equal(CANCELLED_EXIT, 130);
    assert.deepEqual(out.lines.err, ['cm2intune import: not confirmed: nothing was written.']);
  });
});

describe('where relative paths start', () => {
  it("follows INIT_CWD only under the package's own `npm run cli`", () => {
    const typedIn = '/home/zoë/plans';
    assert.equal(workingFolder({ INIT_CWD: typedIn, npm_lifecycle_event: 'cli', npm_package_name: 'cm2intune' }, '/repo'), typedIn);
    // the installed binary, run from a shell that once ran npm (INIT_CWD left over)
    assert.equal(workingFolder({ INIT_CWD: '/somewhere/else' }, typedIn), typedIn);
    // another package's script that calls cm2intune: its folder, as any program would
    assert.equal(
      workingFolder({ INIT_CWD: '/home/zoë', npm_lifecycle_event: 'migrate', npm_package_name: 'contoso-migration' }, typedIn),
      typedIn,
    );
    assert.equal(workingFolder({}, typedIn), typedIn);
  });
});
