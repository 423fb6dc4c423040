// Phase 4's pure functions: the site-version gate at its boundary, the guide's order and resume,
// the tenant-name confirmation, and verify telling a switch from a removal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  confirmProblem,
  guideState,
  MIN_SITE_BUILD,
  preflightAuthority,
  verifyAuthority,
  type AuthorityJournalEntry,
  type AuthoritySources,
} from '../../src/core/phases/authority';
import type { ManagedDevice } from '../../src/core/phases/waves';
import type { MigrationPlan } from '../../src/core/plan/types';

const device = (id: string, agent: string, extra: Partial<ManagedDevice> = {}): ManagedDevice => ({
  id,
  deviceName: `DEV-${id}`,
  userPrincipalName: `${id}@contoso.com`,
  managementAgent: agent,
  managementState: 'managed',
  deviceEnrollmentType: 'userEnrollment',
  lastSyncDateTime: '2019-09-02T08:00:00Z',
  ...extra,
});

const sources = (over: Partial<AuthoritySources> = {}): AuthoritySources => ({
  siteCode: 'P01',
  siteBuild: 8853,
  authority: 'sccm',
  tenantId: 't',
  tenantName: 'Contoso',
  subjects: [],
  users: [],
  skus: [],
  admin: {
    upn: 'admin@contoso.com',
    user: {
      id: 'a',
      userPrincipalName: 'admin@contoso.com',
      onPremisesSecurityIdentifier: null,
      usageLocation: 'US',
      assignedPlans: [{ servicePlanId: 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5', capabilityStatus: 'Enabled' }],
      assignedLicenses: [],
    },
  },
  waves: [],
  devices: [
    device('a1', 'configurationManagerClientMdm'),
    device('b1', 'configurationManagerClientMdm', { userPrincipalName: null, deviceEnrollmentType: 'appleBulkWithoutUser' }),
  ],
  dep: [],
  vpp: [],
  restrictions: [],
  terms: 1,
  ...over,
});
const plan = { version: 1 } as unknown as MigrationPlan;
const state = (s: AuthoritySources, id: string) => preflightAuthority(s, plan).checks.find((c) => c.id === id)!.state;

describe('phase 4 preflight', () => {
  it('gates the site at build 8458 (1610), not before', () => {
    assert.equal(state(sources({ siteBuild: MIN_SITE_BUILD - 1 }), 'site-version'), 'blocking');
    assert.equal(state(sources({ siteBuild: MIN_SITE_BUILD }), 'site-version'), 'ok');
    assert.equal(state(sources({ siteBuild: undefined }), 'site-version'), 'blocking');
  });

  it('counts the hybrid devices with a user as switching, the userless one as not migrating', () => {
    const p = preflightAuthority(sources(), plan);
    assert.deepEqual(
      p.switching.map((d) => d.id),
      ['a1'],
    );
    assert.deepEqual(
      p.notMigrating.map((d) => d.id),
      ['b1'],
    );
    assert.equal(p.ready, true);
  });

  it('blocks on an unfinished wave unless the plan skips it', () => {
    const waves = [{ name: 'Pilot', state: 'appliedOnSite' as const, moved: 0, expected: 2, summary: 'applied' }];
    assert.equal(state(sources({ waves }), 'waves'), 'blocking');
    const skipping = { ...plan, authority: { skipWaves: ['pilot'] } } as MigrationPlan;
    assert.equal(preflightAuthority(sources({ waves }), skipping).checks.find((c) => c.id === 'waves')!.state, 'ok');
  });
});

describe('phase 4 guide', () => {
  const ctx = { tenantName: 'Contoso' };
  const step = (id: string): AuthorityJournalEntry => ({ t: 'authority', event: 'step', step: id, at: '2026-01-01T00:00:00Z' });

  it('resumes at the first step not done and keeps the order', () => {
    const g = guideState([step('preflight'), step('before-switch')], ctx);
    assert.equal(g.next?.id, 'open-wizard');
    assert.match(
      confirmProblem(g, 'choose-change', { tenantName: 'Contoso', preflightOk: true })!,
      /comes later: the next step is "open-wizard"/,
    );
    assert.equal(confirmProblem(g, 'open-wizard', { tenantName: 'Contoso', preflightOk: true }), undefined);
  });

  it('marks the first step done only after a passed preflight', () => {
    const g = guideState([], ctx);
    assert.match(confirmProblem(g, 'preflight', { tenantName: 'Contoso', preflightOk: false })!, /did not pass/);
  });

  it('needs the tenant name typed as it is before the last step', () => {
    const g = guideState(['preflight', 'before-switch', 'open-wizard', 'choose-change'].map(step), ctx);
    assert.match(confirmProblem(g, 'sign-in-finish', { tenantName: 'Contoso', preflightOk: true })!, /--tenant-name "Contoso"/);
    assert.match(
      confirmProblem(g, 'sign-in-finish', { tenantName: 'Contoso', preflightOk: true, typedTenantName: 'Contos' })!,
      /is not this tenant's name/,
    );
    assert.equal(
      confirmProblem(g, 'sign-in-finish', { tenantName: 'Contoso', preflightOk: true, typedTenantName: ' CONTOSO ' }),
      undefined,
    );
  });
});

describe('phase 4 verify', () => {
  const expected = [
    { id: 'a1', deviceName: 'DEV-a1', user: 'a1@contoso.com' },
    { id: 'a2', deviceName: 'DEV-a2', user: 'a2@contoso.com' },
  ];
  const policies = { terms: 1, restrictions: 1, dep: 1, vpp: 1 };

  it('ends verified when every expected device is managed by Intune, naming the ones still waiting before', () => {
    const half = verifyAuthority({
      authority: 'intune',
      devices: [device('a1', 'mdm'), device('a2', 'configurationManagerClientMdm')],
      expected,
      policiesBefore: policies,
      policiesNow: policies,
    });
    assert.equal(half.state, 'switching');
    assert.deepEqual(
      half.devices.filter((d) => d.state === 'waiting').map((d) => d.deviceName),
      ['DEV-a2'],
    );
    const all = verifyAuthority({
      authority: 'intune',
      devices: [device('a1', 'mdm'), device('a2', 'mdm')],
      expected,
      policiesBefore: policies,
      policiesNow: { ...policies, dep: 0 },
    });
    assert.equal(all.state, 'verified'); // a DEP token moves within 24 h: a note, not a failure
    assert.ok(all.policies.find((p) => p.kind === 'dep')!.note);
  });

  it('says first and loudly when the subscription was removed', () => {
    const v = verifyAuthority({ authority: 'unknown', devices: [], expected, policiesBefore: policies, policiesNow: policies });
    assert.equal(v.state, 'removed');
    assert.match(v.headline, /^!!! THE INTUNE SUBSCRIPTION WAS REMOVED, NOT SWITCHED/);
    assert.deepEqual(
      v.devices.map((d) => d.state),
      ['gone', 'gone'],
    );
  });

  it('is not verified while a tenant-level policy is missing', () => {
    const v = verifyAuthority({
      authority: 'intune',
      devices: [device('a1', 'mdm'), device('a2', 'mdm')],
      expected,
      policiesBefore: policies,
      policiesNow: { ...policies, terms: 0 },
    });
    assert.equal(v.state, 'switching');
  });
});
