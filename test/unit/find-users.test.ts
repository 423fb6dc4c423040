// Many users sought (a 100k-user subscription collection): findUsers reads the whole directory
// when that costs fewer calls than `in` filters, by the directory's own count, and finds the same
// users either way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BatchRequest, GraphPort, RequestOptions } from '../../src/core/tenant/graph-port';
import { DIRECTORY_SCAN_CONSIDERED_FROM, findUsers } from '../../src/core/tenant/readiness';

const user = (n: number) => ({
  id: `id-${n}`,
  userPrincipalName: n % 2 ? `Zoë.O'Brien${n}@Fabrikam.example` : `user${n}@fabrikam.example`,
  onPremisesSecurityIdentifier: `S-1-5-21-1-2-3-${n}`,
  usageLocation: 'NO',
  assignedPlans: [],
  assignedLicenses: [],
});

/** A directory of `size` users answering the three kinds of reads findUsers makes, and what it was asked. */
function directory(size: number, count: number | 'refused' = size) {
  const users = Array.from({ length: size }, (_, n) => user(n));
  const asked = { counts: 0, scans: 0, batches: 0 };
  const graph = {
    baseUrl: 'https://graph.invalid',
    get: async (path: string, options?: RequestOptions) => {
      assert.equal(path, '/users');
      assert.equal(options?.headers?.ConsistencyLevel, 'eventual', '$count on users is an advanced query');
      asked.counts++;
      if (count === 'refused') throw new Error('400 Request_UnsupportedQuery');
      return { '@odata.count': count, value: users.slice(0, 1) };
    },
    listAll: async () => {
      asked.scans++;
      return users;
    },
    batch: async (requests: BatchRequest[]) => {
      asked.batches += Math.ceil(requests.length / 20);
      return requests.map((r) => {
        const filter = decodeURIComponent(/\$filter=([^&]*)/.exec(r.path)![1]);
        const values = [...filter.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replace(/''/g, "'").toLowerCase());
        const key = filter.startsWith('userPrincipalName') ? 'userPrincipalName' : 'onPremisesSecurityIdentifier';
        return {
          id: r.id,
          status: 200,
          outcome: 'ok' as const,
          body: { value: users.filter((u) => values.includes(u[key].toLowerCase())) },
        };
      });
    },
  } as unknown as GraphPort;
  return { graph, asked, users };
}

const ids = (found: { id: string }[]) => found.map((u) => u.id).sort();

describe('findUsers for many users', () => {
  const sought = DIRECTORY_SCAN_CONSIDERED_FROM + 1;
  const upns = (d: ReturnType<typeof directory>) => d.users.slice(0, sought).map((u) => u.userPrincipalName.toUpperCase());

  it('reads the whole directory when it is not much bigger than what is sought, and finds the same users', async () => {
    const small = directory(sought + 500);
    const found = await findUsers(small.graph, { sids: [], upns: [...upns(small), 'nobody@fabrikam.example'] });
    assert.deepEqual(small.asked, { counts: 1, scans: 1, batches: 0 });
    assert.equal(found.length, sought);
    const filtered = directory(sought + 500, 10_000_000);
    const same = await findUsers(filtered.graph, { sids: [], upns: [...upns(filtered), 'nobody@fabrikam.example'] });
    assert.equal(filtered.asked.scans, 0, 'a huge directory is not read whole');
    assert.equal(filtered.asked.batches, Math.ceil(Math.ceil((sought + 1) / 15) / 20));
    assert.deepEqual(ids(same), ids(found));
  });

  it('falls back to filters when the directory will not be counted, and reads by filter below the threshold', async () => {
    const refused = directory(sought, 'refused');
    assert.equal((await findUsers(refused.graph, { sids: [], upns: upns(refused) })).length, sought);
    assert.equal(refused.asked.scans, 0);
    const few = directory(100);
    const found = await findUsers(few.graph, { sids: few.users.slice(0, 10).map((u) => u.onPremisesSecurityIdentifier), upns: [] });
    assert.deepEqual(few.asked, { counts: 0, scans: 0, batches: 1 });
    assert.equal(found.length, 10);
  });
});
