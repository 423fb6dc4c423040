// Writes the Contoso fixture site (test/fixtures/contoso) as a site snapshot into an e2e
// workspace copy, so "contoso sandbox.migration.json" reads a real-sized site without a server.
// Generated per run rather than committed: it always matches contoso.sql.
// usage: tsx test/e2e/site-snapshot.ts <workspace dir>
import { join } from 'node:path';
import { writeSnapshotFile } from '../../src/core/site/snapshot';
import { loadContosoModel } from '../fixtures/contoso/load';

export async function writeContosoSnapshot(workspace: string): Promise<void> {
  await writeSnapshotFile(join(workspace, 'contoso.snapshot.json'), await loadContosoModel(), new Date('2025-01-15T09:00:00Z'));
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: tsx test/e2e/site-snapshot.ts <workspace dir>');
    process.exit(2);
  }
  writeContosoSnapshot(dir).catch((e: Error) => {
    console.error(`site-snapshot: ${e.message}`);
    process.exit(1);
  });
}
