// Phase 1 when the tenant's answers can't be trusted, through a loopback proxy of the test's own
// in front of the sandbox tenant: every malformed answer on a tenant list stops the import before
// anything is proposed (it used to read as an empty tenant: 37 duplicates (before the fix), exit 0); a held answer
// times out at the plan's timeout; a next-page chain past the plan's cap stops; broken answers to
// writes are unknown outcomes settled by marker. And what the run says when there is nothing to do
// (issue 17, items 1, 6 and 7).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ledgerPathFor } from '../../src/core/ledger/journal';
import { createSandboxTokenSource } from '../../src/core/tenant/auth/sandbox';
import { createGraphPort } from '../../src/core/tenant/graph-client';
import type { TdsTestServer } from '../../src/sandbox/site/tds';
import { bundleCli, importInProcess, MARKER, openWorld, spawnCli, startContosoSite, type ImportWorld } from './import-world';

interface Upstream {
  status: number;
  contentType: string;
  text: string;
}
interface Reply {
  status: number;
  contentType?: string;
  text: string;
}
/** One fault: which requests it hits, how many times, and what the client gets instead. */
interface Rule {
  name: string;
  method: string;
  path: RegExp;
  body?: RegExp;
  times: number;
  /** Let the sandbox apply the request first (a write then happened, whatever the client sees). */
  forward?: boolean;
  /** 'hold': the answer never comes. */
  reply: 'hold' | ((upstream: Upstream | undefined, proxyUrl: string) => Reply);
  hits: number;
}

/** A loopback proxy in front of the sandbox that answers the requests a rule picks as the rule says. */
async function startProxy(target: string) {
  let rules: Rule[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const rule = rules.find(
        (r) => r.hits < r.times && r.method === req.method && r.path.test(req.url!) && (!r.body || r.body.test(text)),
      );
      if (rule) rule.hits++;
      let upstream: Upstream | undefined;
      if (!rule || rule.forward) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
        const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
        upstream = { status: answer.status, contentType: answer.headers.get('content-type') ?? '', text: await answer.text() };
      }
      if (rule?.reply === 'hold') return; // the client waits; closeAllConnections ends it
      const out: Reply = rule
        ? rule.reply(upstream, url)
        : { status: upstream!.status, contentType: upstream!.contentType, text: upstream!.text };
      res.writeHead(out.status, out.contentType ? { 'content-type': out.contentType } : {});
      res.end(out.text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    set(...next: Omit<Rule, 'hits'>[]) {
      rules = next.map((r) => ({ ...r, hits: 0 }));
      return rules;
    },
    clear() {
      rules = [];
      server.closeAllConnections();
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
type Proxy = Awaited<ReturnType<typeof startProxy>>;

const LISTS = {
  deviceConfigurations: /^\/beta\/deviceManagement\/deviceConfigurations\?/,
  deviceCompliancePolicies: /^\/beta\/deviceManagement\/deviceCompliancePolicies\?/,
  mobileApps: /^\/beta\/deviceAppManagement\/mobileApps\?/,
};
const json = (body: unknown): Reply => ({ status: 200, contentType: 'application/json', text: JSON.stringify(body) });
const CREATE_BATCH = /"method":"POST"/;

/** Points the world's plan at the proxy instead of the sandbox, with the plan's `graph` options. */
function throughProxy(w: ImportWorld, proxy: Proxy, graph?: Record<string, number>) {
  const plan = JSON.parse(readFileSync(w.planFile, 'utf8').replace(/^\/\/.*\n/, ''));
  plan.tenant.url = proxy.url;
  if (graph) plan.graph = graph;
  writeFileSync(w.planFile, `${JSON.stringify(plan, null, 2)}\n`);
}

const intuneCount = (w: ImportWorld) => {
  const s = w.sandbox.objects();
  return s.deviceConfigurations.length + s.deviceCompliancePolicies.length + s.mobileApps.length;
};
const markers = (w: ImportWorld) => {
  const s = w.sandbox.objects();
  return [...s.deviceConfigurations, ...s.deviceCompliancePolicies, ...s.mobileApps]
    .map((o) => MARKER.exec(String(o.description ?? ''))?.[1] ?? '')
    .sort();
};

describe('import: tenant answers that cannot be trusted', () => {
  let site: TdsTestServer;
  let scratch: string;
  let bundle: string;
  const worlds: ImportWorld[] = [];
  const proxies: Proxy[] = [];
  before(async () => {
    site = await startContosoSite();
    scratch = mkdtempSync(join(tmpdir(), 'cm2intune-answers-'));
    bundle = await bundleCli(scratch);
  });
  after(async () => {
    for (const p of proxies) await p.close();
    for (const w of worlds) await w.close();
    await site?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function world(graph?: Record<string, number>) {
    const w = await openWorld(site);
    worlds.push(w);
    const proxy = await startProxy(w.sandbox.url);
    proxies.push(proxy);
    throughProxy(w, proxy, graph);
    return { w, proxy, cli: (...args: string[]) => spawnCli(args, { cwd: w.dir, env: w.env, bundle }).result };
  }

  describe('after a complete import', () => {
    let w: ImportWorld;
    let proxy: Proxy;
    let cli: (...args: string[]) => ReturnType<typeof spawnCli>['result'];
    let imported: string[];
    before(async () => {
      ({ w, proxy, cli } = await world({ maxPages: 5 }));
      const first = await importInProcess(w.planFile, site.password);
      assert.equal(first.run.failed + first.run.skipped, 0);
      imported = markers(w);
      assert.equal(imported.length, 36);
    });

    // [name, list it hits, the answer instead of the page, what the error must say]
    const faults: [string, keyof typeof LISTS, (u: Upstream | undefined) => Reply, RegExp][] = [
      [
        'an HTML page',
        'deviceConfigurations',
        () => ({ status: 200, contentType: 'text/html', text: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>' }),
        /an HTML\/XML page \(text\/html/,
      ],
      ['{}', 'deviceCompliancePolicies', () => json({}), /a list must have a "value" array; "value" is missing/],
      ['{"value":null}', 'mobileApps', () => json({ value: null }), /"value" is null/],
      [
        'truncated JSON',
        'deviceConfigurations',
        (u) => ({ status: 200, contentType: 'application/json', text: u!.text.slice(0, Math.floor(u!.text.length / 2)) }),
        /JSON that does not parse \(cut off\?\)/,
      ],
      [
        'a numeric id',
        'deviceCompliancePolicies',
        (u) => {
          const page = JSON.parse(u!.text);
          page.value[0].id = 4711;
          return json(page);
        },
        /object 1 has "id" as a number, not a string/,
      ],
    ];
    for (const [name, list, reply, says] of faults) {
      for (const journal of ['with the journal', 'with the journal gone'] as const) {
        it(
          `${name} on the ${list} list (${journal}): the import stops before proposing anything, no duplicate`,
          { timeout: 60_000 },
          async () => {
            const ledger = ledgerPathFor(w.planFile);
            const saved = readFileSync(ledger);
            if (journal === 'with the journal gone') unlinkSync(ledger);
            const writes = w.sandbox.stats().writes;
            const [rule] = proxy.set({ name, method: 'GET', path: LISTS[list], times: 1, forward: true, reply });
            try {
              const r = await cli('import', '--plan', w.planArg, '--yes');
              assert.equal(rule.hits, 1, 'the fault hit the read');
              assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
              const line = r.stderr.split('\n').find((l) => l.startsWith('cm2intune import: '));
              assert.ok(line, r.stderr);
              assert.match(
                line,
                new RegExp(
                  `^cm2intune import: Reading the tenant failed, so nothing was proposed and nothing written: GET /beta/[a-zA-Z/]*${list}: the answer \\(HTTP 200\\) is not what Graph sends: `,
                ),
              );
              assert.match(line, says);
              assert.doesNotMatch(r.stdout, /Nothing to import|Preview:/);
              assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
              assert.equal(w.sandbox.stats().writes, writes, 'nothing written');
              assert.deepEqual(markers(w), imported, 'no duplicate, nothing lost');
            } finally {
              proxy.clear();
              writeFileSync(ledger, saved);
            }
          },
        );
      }
    }

    it('a $batch answer without "responses" on the group lookups stops the import the same way', { timeout: 60_000 }, async () => {
      const writes = w.sandbox.stats().writes;
      const [rule] = proxy.set({
        name: 'no responses',
        method: 'POST',
        path: /^\/v1\.0\/\$batch$/,
        body: /\/groups\?\$filter=/,
        times: 1,
        forward: true,
        reply: () => json({ value: [] }),
      });
      try {
        const r = await cli('import', '--plan', w.planArg, '--yes');
        assert.equal(rule.hits, 1);
        assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
        assert.match(
          r.stderr,
          /cm2intune import: Reading the tenant failed, so nothing was proposed and nothing written: GET \/v1\.0\/groups: the answer \(HTTP 200\) is not what Graph sends: .*a \$batch answer must have a "responses" array/,
        );
        assert.equal(w.sandbox.stats().writes, writes);
        assert.deepEqual(markers(w), imported);
      } finally {
        proxy.clear();
      }
    });

    it(
      'an organization without a string id stops the run before the tenant pin is checked, with a clear error',
      { timeout: 60_000 },
      async () => {
        const [rule] = proxy.set({
          name: 'numeric tenant id',
          method: 'GET',
          path: /^\/v1\.0\/organization/,
          times: 1,
          forward: true,
          reply: () => json({ value: [{ id: 7, displayName: 'Contoso' }] }),
        });
        try {
          const r = await cli('import', '--plan', w.planArg, '--dry-run');
          assert.equal(rule.hits, 1);
          assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
          assert.match(
            r.stderr,
            /^cm2intune import: GET \/v1\.0\/organization: the answer \(HTTP 200\) is not what Graph sends: organization 1 has "id" as a number, not a string\. Nothing was read from it\.$/m,
          );
          assert.doesNotMatch(r.stderr, /toLowerCase|TypeError/);
        } finally {
          proxy.clear();
        }
      },
    );

    it("a next-page chain past the plan's graph.maxPages stops with a clear error", { timeout: 60_000 }, async () => {
      let n = 0;
      const [rule] = proxy.set({
        name: 'endless pages',
        method: 'GET',
        path: LISTS.mobileApps,
        times: Infinity,
        reply: (_u, url) => json({ value: [], '@odata.nextLink': `${url}/beta/deviceAppManagement/mobileApps?$skiptoken=${++n}` }),
      });
      try {
        const r = await cli('import', '--plan', w.planArg, '--dry-run');
        assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
        assert.equal(rule.hits, 5, "the plan's cap of 5 pages, not one more");
        assert.match(
          r.stderr,
          /cm2intune import: Reading the tenant failed, so nothing was proposed and nothing written: GET \/deviceAppManagement\/mobileApps failed: HTTP 200 TooManyPages: the list goes on past 5 pages; stopped following its next-page links \(graph\.maxPages in the plan\)/,
        );
      } finally {
        proxy.clear();
      }
    });

    it("nothing to do: says what is in Intune and what can't be imported, and why", { timeout: 60_000 }, async () => {
      const r = await cli('import', '--plan', w.planArg, '--yes');
      assert.equal(r.code, 0, r.stderr);
      const line = r.stdout.split('\n').find((l) => l.startsWith('Nothing to import'));
      assert.match(
        line ?? r.stdout,
        /^Nothing to import: 36 selected objects are in Intune with their assignments; 6 can't be imported: "[^"]+" \(.+\), "[^"]+" \(.+\), "[^"]+" \(.+\), and 3 more \(see above\)\.$/,
      );
      assert.match(
        line!,
        /PFX settings can't be imported|custom subject name format|needs SCEP certificate profile/,
        'with the reason why',
      );
      assert.doesNotMatch(r.stdout, /every selected object is in Intune/);
    });

    it(
      'an object deleted in Intune since it was imported is proposed again, said so, and re-created once',
      { timeout: 90_000 },
      async () => {
        const victim = w.sandbox.objects().deviceCompliancePolicies.find((p) => p.displayName === 'iOS Compliance – Corporate')!;
        await createGraphPort({ baseUrl: w.sandbox.url, tokenSource: createSandboxTokenSource() }).delete(
          `/deviceManagement/deviceCompliancePolicies/${victim.id}`,
        );
        assert.equal(intuneCount(w), 35);
        const dry = await cli('import', '--plan', w.planArg, '--dry-run');
        assert.equal(dry.code, 0, dry.stderr);
        assert.doesNotMatch(dry.stdout, /Nothing to import/);
        assert.match(
          dry.stdout,
          new RegExp(
            `Re-create compliance policy "iOS Compliance – Corporate" \\(iOS\\) — deleted from Intune since cm2intune created it \\(as ${victim.id}\\)`,
          ),
        );
        assert.match(dry.stdout, /Assign "iOS Compliance – Corporate" \(iOS\)/);
        const run = await cli('import', '--plan', w.planArg, '--yes');
        assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
        assert.match(run.stdout, /Import into the sandbox tenant: 2 of 2 step\(s\) done\./);
        assert.deepEqual(markers(w), imported, 'back to the 36 objects, each once');
      },
    );
  });

  it(
    "held answers time out at the plan's timeout; broken answers to writes are settled by marker, no duplicate",
    { timeout: 180_000 },
    async () => {
      const { w, proxy } = await world({ requestTimeoutSeconds: 3 });
      const rules = proxy.set(
        // a read held once: timed out, tried again
        { name: 'held read', method: 'GET', path: LISTS.deviceConfigurations, times: 1, reply: 'hold' },
        // the creates applied, then: no answer at all / not a $batch answer / ids that are numbers
        { name: 'held create batch', method: 'POST', path: /\$batch$/, body: CREATE_BATCH, times: 1, forward: true, reply: 'hold' },
        {
          name: 'create batch without responses',
          method: 'POST',
          path: /\$batch$/,
          body: CREATE_BATCH,
          times: 1,
          forward: true,
          reply: () => json({}),
        },
        {
          name: 'numeric ids',
          method: 'POST',
          path: /\$batch$/,
          body: CREATE_BATCH,
          times: 1,
          forward: true,
          reply: (u) => {
            const body = JSON.parse(u!.text);
            for (const r of body.responses) if (r.status === 201) r.body.id = 1000 + Number(r.id);
            return json(body);
          },
        },
      );
      const started = Date.now();
      const { run, steps } = await importInProcess(w.planFile, site.password);
      const ms = Date.now() - started;
      proxy.clear();
      assert.deepEqual(
        rules.map((r) => [r.name, r.hits]),
        rules.map((r) => [r.name, 1]),
        'every fault hit',
      );
      assert.deepEqual(
        run.outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped').map((o) => `${o.step.title}: ${o.message}`),
        [],
      );
      assert.ok(
        run.outcomes.filter((o) => o.status === 'reconciled').length >= 3,
        'the creates of the broken answers were settled by marker',
      );
      assert.ok(ms < 90_000, `two held answers cost about two timeouts of 3 s, not Node's 300 s each (${ms} ms)`);
      const created = markers(w);
      assert.equal(new Set(created).size, created.length, `no duplicate: ${created.join(', ')}`);
      assert.deepEqual(
        created,
        steps
          .filter((s) => s.action === 'create')
          .map((s) => s.key)
          .sort(),
      );
      const groups = w.sandbox
        .objects()
        .groups.map((g) => String(g.mailNickname ?? ''))
        .filter((n) => n.startsWith('cm2intune-'));
      assert.equal(new Set(groups).size, groups.length, 'no group created twice');
      const again = await importInProcess(w.planFile, site.password);
      assert.deepEqual(
        again.steps.map((s) => s.title),
        [],
        'a further run proposes nothing',
      );
    },
  );
});
