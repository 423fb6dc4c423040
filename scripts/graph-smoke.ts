// Proof that the Graph port works end to end against a running sandbox tenant, using nothing but
// GraphPort: `npm run sandbox` in one terminal, then
//   npx tsx scripts/graph-smoke.ts http://127.0.0.1:<port>
// Creates a group and configuration profiles (Wi-Fi goes to beta, general to v1.0), pages through
// users, creates compliance policies in one $batch and assigns everything in another. With the
// sandbox's throttling on, no 429 may reach this script: the port paces and retries.
import { createSandboxTokenSource } from '../src/core/tenant/auth/sandbox';
import { createGraphPort } from '../src/core/tenant/graph-client';
import type { BatchRequest } from '../src/core/tenant/graph-port';

async function main(): Promise<number> {
  const url = process.argv[2];
  if (!url || !/^http:\/\/(127\.0\.0\.1|localhost):\d+\/?$/.test(url)) {
    console.error('usage: npx tsx scripts/graph-smoke.ts http://127.0.0.1:<port>   (the URL `npm run sandbox` prints)');
    return 2;
  }
  const warnings: string[] = [];
  const port = createGraphPort({
    baseUrl: url,
    tokenSource: createSandboxTokenSource(),
    log: (level, m) => level !== 'debug' && warnings.push(`${level} ${m}`),
  });
  const stamp = Date.now().toString(36);
  const started = Date.now();

  const group = await port.create<{ id: string }>('/groups', {
    displayName: `Smoke ${stamp} – Zoë's pilot`,
    mailEnabled: false,
    mailNickname: `smoke${stamp}`,
    securityEnabled: true,
    groupTypes: [],
  });
  const profiles: { id: string; '@odata.type': string }[] = [];
  for (const [type, extra] of [
    ['#microsoft.graph.iosGeneralDeviceConfiguration', {}],
    ['#microsoft.graph.iosWiFiConfiguration', { ssid: 'Contoso Guest', wiFiSecurityType: 'wpaPersonal', connectAutomatically: true }],
  ] as const) {
    profiles.push(
      await port.create('/deviceManagement/deviceConfigurations', {
        '@odata.type': type,
        displayName: `Smoke ${stamp} ${type.split('.').pop()}`,
        ...extra,
      }),
    );
  }

  let users = 0;
  for await (const _ of port.list('/users', { query: { $top: 25, $select: 'id,userPrincipalName' } })) users++;

  const creates: BatchRequest[] = Array.from({ length: 30 }, (_, i) => ({
    id: `c${i}`,
    method: 'POST',
    path: '/deviceManagement/deviceCompliancePolicies',
    body: {
      '@odata.type': '#microsoft.graph.iosCompliancePolicy',
      displayName: `Smoke ${stamp} compliance ${i}`,
      passcodeRequired: true,
      scheduledActionsForRule: [
        {
          ruleName: 'PasswordRequired',
          scheduledActionConfigurations: [{ actionType: 'block', gracePeriodHours: 0, notificationTemplateId: '' }],
        },
      ],
    },
  }));
  const created = await port.batch(creates);
  const policyIds = created.filter((r) => r.outcome === 'ok').map((r) => (r.body as { id: string }).id);
  const target = { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group.id };
  const assigns: BatchRequest[] = [
    ...policyIds.map((id, i) => ({
      id: `ap${i}`,
      method: 'POST' as const,
      path: `/deviceManagement/deviceCompliancePolicies/${id}/assign`,
      idempotent: true,
      body: { assignments: [{ '@odata.type': '#microsoft.graph.deviceCompliancePolicyAssignment', target }] },
    })),
    ...profiles.map((p, i) => ({
      id: `cp${i}`,
      method: 'POST' as const,
      path: `/deviceManagement/deviceConfigurations/${p.id}/assign`,
      odataType: p['@odata.type'],
      idempotent: true,
      body: { assignments: [{ '@odata.type': '#microsoft.graph.deviceConfigurationAssignment', target }] },
    })),
  ];
  const assigned = await port.batch(assigns);

  const failed = [...created, ...assigned].filter((r) => r.outcome !== 'ok');
  const throttledSeen = warnings.filter((w) => /HTTP 429/.test(w)).length;
  console.log(`graph smoke against ${url} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`  group created:           ${group.id}`);
  console.log(`  profiles created:        ${profiles.length} (general -> v1.0, Wi-Fi -> beta)`);
  console.log(`  users paged:             ${users}`);
  console.log(`  compliance via $batch:   ${policyIds.length}/${creates.length}`);
  console.log(`  assignments via $batch:  ${assigned.filter((r) => r.outcome === 'ok').length}/${assigns.length}`);
  console.log(`  429s absorbed by port:   ${throttledSeen} (none reached the caller)`);
  for (const f of failed) console.log(`  FAILED ${f.id}: HTTP ${f.status} ${f.code ?? ''} ${f.message ?? ''}`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(`graph smoke failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
