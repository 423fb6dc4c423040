// Every run that changes the tenant leaves its report beside the plan (issue 15 item 3): the
// fixes' report as `prepare --fix` and "Fix readiness" write it, and which report "Open report" opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepOutcome } from '../../src/core/phases/execute';
import { fixReportToMarkdown, writeFixReport, type Readiness } from '../../src/core/phases/prepare';
import { newestReport, reportPath, runReportPath } from '../../src/core/phases/render';
import type { Step } from '../../src/core/phases/steps';

const step = (id: string, title: string): Step => ({
  id,
  key: id,
  action: 'assignLicense',
  title,
  request: { method: 'POST', path: `/users/${id}/assignLicense`, version: 'v1.0', body: {} },
  needs: [],
  verify: '',
});

test("the fixes' report: when, the tenant, each fix's outcome, and the checks read again after them", () => {
  const outcomes: StepOutcome[] = [
    { step: step('u1', 'Assign EMS E3 to anna@contoso.com'), status: 'done' },
    { step: step('u2', 'Assign EMS E3 to bob_s@contoso.com'), status: 'failed', message: 'HTTP 400 Request_BadRequest: no usage location' },
  ];
  const after: Readiness = {
    checks: [
      {
        id: 'licences',
        title: 'Intune licences',
        state: 'blocking',
        summary: '1 user has no Intune licence',
        evidence: ['bob_s@contoso.com'],
        fixSteps: [],
      },
    ],
    steps: [],
    blocking: 1,
  } as unknown as Readiness;
  const md = fixReportToMarkdown({
    plan: 'contoso sandbox.migration.json',
    tenant: 'the sandbox tenant',
    at: new Date('2026-11-30T23:00:00Z'),
    ms: 4200,
    outcomes,
    after,
  });
  assert.match(
    md,
    /^# cm2intune readiness fixes report — contoso sandbox\.migration\.json\n\n2026-11-30T23:00:00\.000Z, 4\.2 s, the sandbox tenant: 1 done, 1 failed; 1 check\(s\) still block the move\.\n/,
  );
  assert.match(md, /\n\| 1 \| Assign EMS E3 to anna@contoso\.com \| done \| {2}\|\n/);
  assert.match(md, /\n\| 2 \| Assign EMS E3 to bob\\_s@contoso\.com \| failed \| HTTP 400 Request\\_BadRequest: no usage location \|\n/);
  assert.match(
    md,
    /\n## Readiness after the fixes\n\n```text\nReadiness of the sandbox tenant .*\n(.*\n)*BLOCKING {2}Intune licences: 1 user has no Intune licence\n/,
  );
});

test('"Open report" finds the newest report of the plan, whichever run wrote it, and none of another plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-reports-'));
  try {
    const plan = join(dir, 'contoso.migration.json');
    assert.equal(newestReport(plan), undefined, 'no report yet');
    writeFileSync(reportPath(plan), '# import');
    utimesSync(reportPath(plan), new Date(1000_000), new Date(1000_000));
    writeFileSync(join(dir, 'contoso pilot.migration.import-report.md'), '# another plan');
    writeFileSync(join(dir, 'contoso.migration.ledger'), '');
    assert.equal(newestReport(plan), join(dir, 'contoso.migration.import-report.md'));
    const fixes = writeFixReport(plan, '# fixes');
    assert.equal(fixes, runReportPath(plan, 'prepare'));
    assert.equal(fixes, join(dir, 'contoso.migration.prepare-report.md'));
    assert.equal(newestReport(plan), fixes, 'the fixes ran last');
    assert.equal(newestReport(join(dir, 'missing', 'x.migration.json')), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
