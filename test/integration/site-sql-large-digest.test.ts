// A large digest crosses the wire in time proportional to its size: the TDS test server sends a
// long value as many PLP chunks (as a long value arrives from a server), and nothing on the
// client side copies it once per packet. 2 MB against 16 MB, with a generous ratio (one huge
// chunk made it about 50 times).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSiteSource } from '../../src/core/site';
import { tdsSiteConfig } from '../support/tds-site';
import { startTdsTestServer } from '../../src/sandbox/site/tds';

const CONTOSO_SQL = join(__dirname, '../../src/sandbox/site/contoso/contoso.sql');
const DC = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/07/10/DesiredConfiguration';

describe('a large digest over the wire', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cm2intune-large-digest-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Reads a site holding one digest of `chars` characters; returns the read's wall time in ns. */
  async function readOne(chars: number): Promise<number> {
    const tables = readFileSync(CONTOSO_SQL, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('CREATE TABLE'))
      .join('\n');
    const body = '<Custom Name="Vendor setting" Value="1"/>'.repeat(Math.ceil(chars / 41));
    const digest = `<DesiredConfigurationDigest xmlns="${DC}"><OperatingSystem AuthoringScopeId="ScopeId_T" LogicalName="OperatingSystem_big" Version="1"><Settings>${body}</Settings></OperatingSystem></DesiredConfigurationDigest>`;
    const fixture = join(dir, `site-${chars}.sql`);
    writeFileSync(
      fixture,
      `${tables}\nINSERT INTO v_ConfigurationItems (CI_ID, CI_UniqueID, ModelName, CIType_ID, SDMPackageDigest, IsLatest) VALUES (16777301, 'ScopeId_T/OperatingSystem_big/1', 'ScopeId_T/OperatingSystem_big', 3, '${digest}', 1);\n`,
    );
    const server = await startTdsTestServer({ fixtureFiles: [fixture], log: () => {} });
    writeFileSync(join(dir, 'ca.pem'), server.caPem);
    const source = openSiteSource(tdsSiteConfig(server, 'ca.pem', { requestTimeoutSeconds: 120 }), {
      planDir: dir,
      password: server.password,
    });
    try {
      const start = process.hrtime.bigint();
      const model = await source.read();
      const elapsed = Number(process.hrtime.bigint() - start);
      assert.equal(model.configurationItems[0].digest, digest);
      return elapsed;
    } finally {
      await source.close();
      await server.close();
    }
  }

  it('reading a 16 MB digest takes at most about 8 times as long as a 2 MB one, not 64', async () => {
    await readOne(100_000); // warm up the driver and TLS
    const small = await readOne(2_000_000);
    const large = await readOne(16_000_000);
    assert.ok(large / small < 20, `16 MB took ${(large / small).toFixed(1)} times as long as 2 MB`);
  });
});
