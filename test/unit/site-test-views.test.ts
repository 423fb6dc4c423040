// "Test site connection" tries every view the SQL reader selects from: its list and the reader's
// queries must not drift apart, and a denied SELECT reads as a permission the admin can grant.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SITE_VIEWS } from '../../src/core/site/sql/check';
import { describeSqlError } from '../../src/core/site/sql/connection';

const dir = join(__dirname, '../../src/core/site/sql');

test('SITE_VIEWS is exactly the set of views the SQL reader selects from', () => {
  const read = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'check.ts'))
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/\b(?:FROM|JOIN)\s+(v[A-Za-z_]+)/g)) read.add(m[1]);
  assert.ok(read.size > 10, [...read].join(', '));
  assert.deepEqual([...SITE_VIEWS].sort(), [...read].sort());
});

test('a denied SELECT on a view names the login, the view and the role to grant', () => {
  const error = describeSqlError(
    {
      code: 'EREQUEST',
      number: 229,
      message: "The SELECT permission was denied on the object 'v_R_User', database 'CM_P01', schema 'dbo'.",
    },
    {
      source: 'sql',
      server: 'cm01.contoso.com',
      database: 'CM_P01',
      siteCode: 'P01',
      auth: { type: 'ntlm', domain: 'CONTOSO', user: 'svc-cm-read' },
    },
    { view: 'v_R_User' },
  );
  assert.equal(error.code, 'EPERM');
  assert.match(
    error.message,
    /^CONTOSO\\svc-cm-read may not read v_R_User on cm01\.contoso\.com:1433 .*grant it db_datareader or the smsschm_users role/,
  );
});
