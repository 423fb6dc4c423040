// `cm2intune sandbox start`: the sandbox world (the sample ConfigMgr site "Contoso" and the sandbox
// tenant, linked as hybrid MDM is) in a folder that keeps its state, with a plan that points at it.
// It runs until Ctrl+C; a plan that names the world starts it on its own when nobody runs it.
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UserError } from '../../core/errors';
import { parseOptions, type Command } from '../cli';

const usage = 'Usage: cm2intune sandbox start [--dir <folder>]';

export const sandbox: Command = {
  name: 'sandbox',
  summary: 'Start the sandbox world: a sample site and tenant to rehearse the migration on',
  help: `${usage}

Starts the sandbox world in <folder> (default .sandbox): the sample ConfigMgr site "Contoso",
served as SQL over TDS with TLS on this machine, and the sandbox tenant, a local
Graph-compatible server (not Microsoft Graph), linked as hybrid MDM is: devices follow the
subscription collection, licences, connectors, the console's cmdlets and the MDM authority.
Everything is kept in the folder, so the world survives a restart. On first start it writes
<folder>/contoso.migration.json, a plan that names the world: the other commands (and VS Code)
start the world from the folder when that plan is used and nobody runs it.

Runs until Ctrl+C. See docs/sandbox.md.

Options:
  --dir <folder>   the world's folder (default .sandbox)`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { dir: { type: 'string' } }, usage);
    if (positionals[0] !== 'start' || positionals.length > 1) throw new UserError(`say what to do: start.\n${usage}`);
    const dir = resolve(io.cwd, values.dir ?? '.sandbox');
    const { openSandboxWorld, WORLD_PLAN_FILE, worldPlanText } = await import('../../sandbox');
    const world = await openSandboxWorld({ dir, log: (line) => io.err(line) });
    const planFile = join(dir, WORLD_PLAN_FILE);
    const shown = relative(io.cwd, planFile) || planFile;
    if (!existsSync(planFile)) writeFileSync(planFile, worldPlanText());
    io.out(
      `cm2intune sandbox world in ${relative(io.cwd, dir) || '.'} — a rehearsal on this machine, not a real site, not Microsoft Graph`,
    );
    io.out(
      `  sample site:    ${world.site.server}:${world.site.port}, database ${world.site.database}, site ${world.site.siteCode} (SQL over TDS with TLS)`,
    );
    io.out(`  sandbox tenant: ${world.tenant.url} (tenant ${world.tenant.tenantId})`);
    io.out(`  plan:           ${shown}`);
    if (!world.world) {
      io.out('Another process already runs this world; nothing more to do here.');
      return 0;
    }
    io.out(`Try: cm2intune import --plan ${shown} --dry-run`);
    io.out('Stop with Ctrl+C (the state stays in the folder).');
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await world.close();
    io.err('Stopped the sandbox world.');
    return 0;
  },
};
