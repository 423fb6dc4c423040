// The extension's one way of telling a run (import, readiness fixes) and a read in VS Code's
// progress and the log: each outcome as it settles, each wait in the core's words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepOutcome } from '../../src/core/phases/execute';
import type { Step } from '../../src/core/phases/steps';
import { readWaits, runProgress } from '../../src/extension/runProgress';

function recorder() {
  const log: string[] = [];
  const reported: { message: string; increment?: number }[] = [];
  const line = (level: string) => (message: string) => void log.push(`${level} ${message}`);
  const ctx = { log: { info: line('info'), warn: line('warn'), error: line('error') } } as never;
  return { ctx, log, reported, report: (message: string, increment?: number) => void reported.push({ message, increment }) };
}

const step = (title: string): Step => ({
  id: title,
  key: title,
  action: 'create',
  title,
  request: { method: 'POST', path: '/deviceManagement/deviceConfigurations', version: 'v1.0', body: {} },
  needs: [],
  verify: '',
});

test('a run: each outcome logged at its level and counted in the progress; a wait is said beside the count', () => {
  const { ctx, log, reported, report } = recorder();
  const progress = runProgress(ctx, report, 4);
  const settle = (o: StepOutcome, done: number) => progress.onProgress(o, done, 4);
  progress.onWait({ service: 'intune', kind: 'write', ms: 14_000 });
  settle({ step: step('Create Wi-Fi Corp'), status: 'done', intuneId: 'abc' }, 1);
  settle({ step: step('Create VPN Sales'), status: 'failed', message: 'HTTP 400 BadRequest' }, 2);
  progress.onWait({ service: 'directory', kind: 'read', ms: 30_000, status: 429 });
  settle({ step: step('Assign VPN Sales'), status: 'skipped', message: 'its object failed' }, 3);
  assert.equal(progress.settled, 3);
  assert.deepEqual(log, [
    "info waiting for Intune's write limit, about 14 s",
    'info done: Create Wi-Fi Corp -> abc',
    'error failed: Create VPN Sales (HTTP 400 BadRequest)',
    'info Entra ID asked to wait (429), 30 s',
    'warn skipped: Assign VPN Sales (its object failed)',
  ]);
  assert.deepEqual(reported, [
    { message: "0/4 — waiting for Intune's write limit, about 14 s", increment: undefined },
    { message: '1/4 Create Wi-Fi Corp', increment: 25 },
    { message: '2/4 Create VPN Sales', increment: 25 },
    { message: '2/4 — Entra ID asked to wait (429), 30 s', increment: undefined },
    { message: '3/4 Assign VPN Sales', increment: 25 },
  ]);
});

test('a read has no count: its wait is the whole message, and logged', () => {
  const { ctx, log, reported, report } = recorder();
  readWaits(ctx, report)({ service: 'intuneDevices', kind: 'read', ms: 5_000, status: 503 });
  assert.deepEqual(log, ['info Intune (devices) asked to wait (503), 5 s']);
  assert.deepEqual(reported, [{ message: 'Intune (devices) asked to wait (503), 5 s', increment: undefined }]);
});
