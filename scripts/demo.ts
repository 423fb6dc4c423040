// `npm run demo`: the main job on the embedded default. Starts the sample ConfigMgr site
// (Contoso, served over TDS with TLS on loopback) and imports it into the sandbox tenant (a local
// Graph-compatible server, state kept in .demo/): the preview, the import, then the status.
// Run it again: everything is found in Intune by its marker and nothing is proposed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, processIo } from '../src/cli/main';
import { PASSWORD_ENV } from '../src/core/site';
import { CONTOSO_CA_FILE, contosoPlan } from '../src/sandbox/site/contoso/plan';
import { startTdsTestServer } from '../src/sandbox/site/tds';

const root = join(__dirname, '..');
const demoDir = join(root, '.demo');
const planFile = join(demoDir, 'contoso.migration.json');

async function demo(): Promise<number> {
  mkdirSync(demoDir, { recursive: true });
  const say = (line: string) => processIo.out(`\n== ${line}`);
  say('Starting the sample ConfigMgr site "Contoso" (SQL over TDS with TLS, loopback only)');
  const server = await startTdsTestServer({ fixtureFiles: [join(root, 'src/sandbox/site/contoso/contoso.sql')], log: () => {} });
  try {
    writeFileSync(join(demoDir, CONTOSO_CA_FILE), server.caPem);
    // The plan is the demo's own: rewritten each run because the site's port changes.
    const plan = contosoPlan(server, { name: 'Contoso hybrid MDM to Intune standalone (demo)', tenant: { sandbox: true } });
    writeFileSync(planFile, `// Written by npm run demo: the sample site on this machine and the sandbox tenant.\n${JSON.stringify(plan, null, 2)}\n`);
    process.env[PASSWORD_ENV] = server.password;
    const io = { ...processIo, cwd: root };

    say('Phase 1: preview and import into the sandbox tenant (not Microsoft Graph)');
    const imported = await main(['import', '--plan', '.demo/contoso.migration.json', '--yes'], io);
    if (imported !== 0) return imported;

    say('Status: every ConfigMgr object and its Intune counterpart');
    const status = await main(['status', '--plan', '.demo/contoso.migration.json'], io);
    processIo.out(`\nLeft in .demo/: the plan, the sandbox state (contoso.migration.sandbox.json), the journal (contoso.migration.ledger) and the report (contoso.migration.import-report.md). Run npm run demo again: nothing left to import.`);
    return status;
  } finally {
    await server.close();
  }
}

demo().then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
