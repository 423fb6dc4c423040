// The fuzzer's worker thread: runs one case at a time and answers with what happened. A worker,
// so a case that never ends (a regex or a parser gone quadratic) can be cut off by the fuzzer
// (fuzz.ts) without losing the rest of the run.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { CliIo } from '../../src/cli/cli';
import { UserError } from '../../src/core/errors';
import { validate } from '../../src/cli/commands/validate';
import type { SiteModel } from '../../src/core/site/model';
import { parseSiteObjects } from '../../src/core/site/sdm';
import { parseSnapshot, SnapshotError } from '../../src/core/site/snapshot';

export type FuzzJob =
  | { kind: 'plan'; dir: string; file: string }
  | { kind: 'digest'; ci: number; digest: unknown }
  | { kind: 'app-digest'; app: number; digest: unknown }
  | { kind: 'snapshot'; text: string };

export interface FuzzAnswer {
  /** Exit code (validate), or 0 read / 2 refused with a clear message (site). */
  code: number;
  output: string;
  /** An exception that is not the documented error of that entry point. */
  unexpected?: string;
  ms: number;
}

const { modelFile } = workerData as { modelFile: string };
const base = JSON.parse(readFileSync(modelFile, 'utf8')) as SiteModel;

async function run(job: FuzzJob): Promise<Omit<FuzzAnswer, 'ms'>> {
  if (job.kind === 'plan') {
    let output = '';
    const io: CliIo = {
      out: (l) => (output += l + '\n'),
      err: (l) => (output += l + '\n'),
      cwd: job.dir,
      env: {},
      confirm: async () => false,
    };
    try {
      return { code: await validate.run([job.file], io), output };
    } catch (error) {
      if (error instanceof UserError) return { code: error.exitCode, output: output + error.message };
      return { code: 1, output, unexpected: describe(error) };
    }
  }
  try {
    let model: SiteModel;
    if (job.kind === 'snapshot') model = parseSnapshot(job.text, 'fuzz.snapshot.json').site;
    else if (job.kind === 'digest') {
      model = {
        ...base,
        configurationItems: base.configurationItems.map((ci, i) => (i === job.ci ? { ...ci, digest: job.digest as string } : ci)),
      };
    } else {
      model = {
        ...base,
        applications: base.applications.map((a, i) =>
          i === job.app
            ? { ...a, deploymentTypes: a.deploymentTypes.map((d, j) => (j === 0 ? { ...d, digest: job.digest as string } : d)) }
            : a,
        ),
      };
    }
    const parsed = parseSiteObjects(model);
    // The bad object must not take the others with it: every other CI still reads.
    const others = base.configurationItems.length - (job.kind === 'digest' ? 1 : 0);
    const seen = new Set(parsed.objects.map((o) => o.ciId));
    const expected = new Set(baseParsed.objects.map((o) => o.ciId));
    if (job.kind === 'digest') expected.delete(base.configurationItems[job.ci].ciId);
    const lost = [...expected].filter((id) => !seen.has(id));
    if (job.kind !== 'snapshot' && lost.length)
      return { code: 1, output: '', unexpected: `${lost.length} of ${others} other CIs were lost` };
    return { code: 0, output: `${parsed.objects.length} objects, ${parsed.apps.length} packages` };
  } catch (error) {
    if (error instanceof SnapshotError) return { code: 2, output: error.message };
    return { code: 1, output: '', unexpected: `one bad object stopped the site read: ${describe(error)}` };
  }
}

const describe = (error: unknown) =>
  (error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : String(error)).replace(/\s+/g, ' ');
const baseParsed = parseSiteObjects(base);

// eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches and reports everything itself
parentPort!.on('message', async (job: FuzzJob) => {
  const started = performance.now();
  const answer = await run(job);
  parentPort!.postMessage({ ...answer, ms: performance.now() - started } satisfies FuzzAnswer);
});
