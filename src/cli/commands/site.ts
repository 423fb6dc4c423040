// `cm2intune site export|summary|probe`: read a ConfigMgr site (SQL, snapshot or the plan's site)
// and write a snapshot, print what is in it, or write the shape of its digests (no user data).
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadPlanFile, PlanReadError } from '../../core/plan';
import type { SiteSourceConfig, SqlSiteSource as SqlSiteConfig } from '../../core/plan/types';
import { openSiteSource, PASSWORD_ENV, snapshotWrittenText, writeSnapshotFile } from '../../core/site';
import type { Platform, SiteModel } from '../../core/site/model';
import { parseSiteObjects } from '../../core/site/sdm';
import { probeSite } from '../../core/site/probe';
import { siteConnectionText, snapshotNothingToConnect, testSiteConnection } from '../../core/site/sql/check';
import { UserError } from '../../core/errors';
import { worldSiteSource } from '../../core/session';
import { parseOptions, type CliIo, type Command } from '../cli';
import { sqlPassword } from '../session';
import { table } from '../../core/phases/render';

const usage = `Usage: cm2intune site export --sql "<connection string>" -o <site.snapshot.json> [--ca <pem>] [--thumbprint <hex>] [--site-code <P01>]
       cm2intune site summary (--plan <plan> | --snapshot <file> | --sql "<connection string>") [--json]
       cm2intune site probe (--plan <plan> | --snapshot <file> | --sql "<connection string>") -o <probe.json>
       cm2intune site test (--plan <plan> | --sql "<connection string>")`;

/**
 * `Server=host,port;Database=CM_P01;User Id=CONTOSO\\svc-cm-read;Encrypt=true;TrustServerCertificate=false`
 * -> the plan's SqlSiteSource. A `DOMAIN\\user` login means NTLM. Passwords are refused here.
 */
export function parseConnectionString(text: string, extra: { ca?: string; thumbprint?: string; siteCode?: string } = {}): SqlSiteConfig {
  const pairs = new Map<string, string>();
  for (const part of text.split(';')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw new UserError(`connection string: '${part.trim()}' is not key=value.`);
    pairs.set(part.slice(0, eq).trim().toLowerCase().replace(/\s+/g, ' '), part.slice(eq + 1).trim());
  }
  const get = (...keys: string[]) => keys.map((k) => pairs.get(k)).find((v) => v !== undefined);
  if (get('password', 'pwd') !== undefined) {
    throw new UserError(
      `connection string: leave the password out (it would end up in your shell history); set ${PASSWORD_ENV} or type it when asked.`,
    );
  }
  const server = get('server', 'data source', 'address', 'addr');
  const database = get('database', 'initial catalog');
  const login = get('user id', 'uid', 'user');
  if (!server || !database || !login)
    throw new UserError(
      'connection string: Server, Database and User Id are required, e.g. "Server=cm01.contoso.com,1433;Database=CM_P01;User Id=CONTOSO\\svc-cm-read".',
    );
  const [host, portText] = server.replace(/^tcp:/i, '').split(',');
  const port = portText ? Number(portText) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    throw new UserError(`connection string: '${portText}' is not a port number.`);
  const flag = (value: string | undefined, name: string): boolean | undefined => {
    if (value === undefined) return undefined;
    if (/^(true|yes|1|mandatory|strict)$/i.test(value)) return true;
    if (/^(false|no|0|optional)$/i.test(value)) return false;
    throw new UserError(`connection string: ${name}=${value} is neither true nor false.`);
  };
  const encrypt = flag(get('encrypt'), 'Encrypt');
  const trust = flag(get('trustservercertificate', 'trust server certificate'), 'TrustServerCertificate');
  const timeout = get('connect timeout', 'connection timeout', 'timeout');
  const slash = login.indexOf('\\');
  const siteCode = extra.siteCode ?? /^CM_([A-Za-z0-9]{3})$/i.exec(database)?.[1]?.toUpperCase();
  if (!siteCode) throw new UserError(`cannot tell the site code from database '${database}': add --site-code <P01>.`);
  return {
    source: 'sql',
    server: host.trim(),
    ...(port ? { port } : {}),
    database,
    siteCode,
    auth: slash > 0 ? { type: 'ntlm', domain: login.slice(0, slash), user: login.slice(slash + 1) } : { type: 'sql', user: login },
    encryption: {
      ...(encrypt !== undefined ? { encrypt } : {}),
      ...(trust !== undefined ? { trustServerCertificate: trust } : {}),
      ...(extra.ca ? { caFile: extra.ca } : {}),
      ...(extra.thumbprint ? { certificateThumbprint: extra.thumbprint } : {}),
      ...(get('hostnameincertificate', 'host name in certificate')
        ? { serverName: get('hostnameincertificate', 'host name in certificate') }
        : {}),
    },
    ...(timeout ? { connectTimeoutSeconds: Number(timeout) } : {}),
  };
}

async function readSite(config: SiteSourceConfig, planDir: string, io: CliIo, worldPassword?: string): Promise<SiteModel> {
  if (config.source === 'sandbox') {
    // The sample site of a sandbox world: joined or started from its folder, read over TDS like any site.
    const world = await (
      await import('../../sandbox')
    ).startWorldForPlan({ dir: resolve(planDir, config.world), log: (line) => io.err(line) });
    try {
      return await readSite(worldSiteSource(world), planDir, io, world.site.password);
    } finally {
      await world.close();
    }
  }
  const password = config.source === 'sql' ? (worldPassword ?? (await sqlPassword(config, io))) : undefined;
  const source = openSiteSource(config, { planDir, password, log: (line) => io.err(line) });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    // SiteSqlError and SnapshotError are UserErrors: main() prints them in one line.
    return await source.read({ signal: controller.signal });
  } finally {
    process.off('SIGINT', onSigint);
    await source.close();
  }
}

/** `site test`: connects as a read would (a sandbox world's site: the world started), reads nothing. */
async function testSite(config: SiteSourceConfig, planDir: string, io: CliIo): Promise<string> {
  if (config.source === 'snapshot') return snapshotNothingToConnect(config.path);
  if (config.source === 'sandbox') {
    const world = await (
      await import('../../sandbox')
    ).startWorldForPlan({ dir: resolve(planDir, config.world), log: (line) => io.err(line) });
    try {
      const report = await testSiteConnection(worldSiteSource(world), {
        planDir,
        password: world.site.password,
        log: (line) => io.err(line),
      });
      return siteConnectionText(report);
    } finally {
      await world.close();
    }
  }
  const password = await sqlPassword(config, io);
  return siteConnectionText(await testSiteConnection(config, { planDir, password, log: (line) => io.err(line) }));
}

const PLATFORMS: Platform[] = ['ios', 'android', 'windows', 'macos'];

export function summarize(model: SiteModel) {
  const parsed = parseSiteObjects(model);
  const objects: Record<string, Record<string, number>> = {};
  for (const o of parsed.objects) {
    objects[o.kind] ??= {};
    // An object for a platform Intune can't target is not counted as the platform it was read as.
    const platform = o.untargetable ? 'unknown' : o.platform;
    objects[o.kind][platform] = (objects[o.kind][platform] ?? 0) + 1;
  }
  const packages: Record<string, number> = {};
  for (const a of parsed.apps) packages[a.package.kind] = (packages[a.package.kind] ?? 0) + 1;
  const withAffinity = new Set(model.affinities.map((a) => a.deviceResourceId));
  return {
    siteCode: model.siteCode,
    origin: model.origin,
    counts: {
      collections: model.collections.length,
      userCollections: model.collections.filter((c) => c.type === 'user').length,
      users: model.users.length,
      usersWithoutUpn: model.users.filter((u) => !u.upn).length,
      userGroups: model.userGroups.length,
      devices: model.devices.length,
      devicesWithoutPrimaryUser: model.devices.filter((d) => !withAffinity.has(d.resourceId)).length,
      configurationItems: model.configurationItems.length,
      baselines: model.baselines.length,
      ciAssignments: model.ciAssignments.length,
      applications: model.applications.length,
      deploymentTypes: model.applications.reduce((n, a) => n + a.deploymentTypes.length, 0),
      appAssignments: model.appAssignments.length,
    },
    objects,
    packages,
    problems: parsed.objects
      .map((o) => ({
        ciId: o.ciId,
        name: o.name,
        platform: o.untargetable ? 'unknown' : o.platform,
        problems: [
          ...(o.untargetable ? [`targets ${o.untargetable === 'unknown' ? 'no platform Intune can target' : o.untargetable}`] : []),
          ...o.problems,
          ...(o.unmappable ?? []),
        ],
      }))
      .filter((o) => o.problems.length),
  };
}

function printSummary(s: ReturnType<typeof summarize>, io: CliIo) {
  const c = s.counts;
  io.out(`Site ${s.siteCode} (${s.origin})`);
  io.out('');
  for (const line of table([
    ['Collections', String(c.collections), `${c.userCollections} user collections`],
    ['Users', String(c.users), `${c.usersWithoutUpn} without a UPN`],
    ['User groups', String(c.userGroups), ''],
    ['Devices', String(c.devices), `${c.devicesWithoutPrimaryUser} without a primary user`],
    ['Configuration items', String(c.configurationItems), ''],
    ['Baselines', String(c.baselines), ''],
    ['CI deployments', String(c.ciAssignments), ''],
    ['Applications', String(c.applications), `${c.deploymentTypes} deployment types`],
    ['App deployments', String(c.appAssignments), ''],
  ]))
    io.out(`  ${line}`);
  io.out('');
  io.out('Objects by kind and platform');
  const kinds = Object.keys(s.objects).sort();
  const columns: string[] = [...PLATFORMS, ...(kinds.some((k) => s.objects[k].unknown) ? ['unknown'] : [])];
  const rows = [['kind', ...columns, 'total']];
  for (const k of kinds) {
    const per = columns.map((p) => s.objects[k][p] ?? 0);
    rows.push([k, ...per.map(String), String(per.reduce((a, b) => a + b, 0))]);
  }
  const totals = columns.map((p) => kinds.reduce((n, k) => n + (s.objects[k][p] ?? 0), 0));
  rows.push(['total', ...totals.map(String), String(totals.reduce((a, b) => a + b, 0))]);
  for (const line of table(rows)) io.out(`  ${line}`);
  io.out('');
  io.out('App deployment types');
  for (const line of table(
    Object.entries(s.packages)
      .sort()
      .map(([k, n]) => [k, String(n)]),
  ))
    io.out(`  ${line}`);
  if (s.problems.length) {
    io.out('');
    io.out(`${s.problems.length} object(s) with problems`);
    for (const p of s.problems) io.out(`  ${p.name} (CI ${p.ciId}, ${p.platform}): ${p.problems.join('; ')}`);
  }
}

export const site: Command = {
  name: 'site',
  summary: 'Read a ConfigMgr site: export a snapshot, or summarise what it holds',
  help: `${usage}

export    Reads the site database (read-only SELECTs) and writes a snapshot file that plans
          can use as { "source": "snapshot", "path": ... }.
summary   Prints counts per kind and platform, and objects whose digest can't be read.
probe     Writes, per CI type, the digest element and attribute names and the value sets of
          enum-like attributes, and what cm2intune's reader does not know. No user data: names,
          UPNs, SSIDs, URLs, certificates and other free text are left out. Share the file to
          show where cm2intune misreads your site.
test      Connects to the site database read-only and says which site it holds (code, name,
          version) and whether the login may read every view cm2intune reads; or what to fix.

Options:
  --sql <cs>          connection string: Server=host[,port];Database=CM_<site>;User Id=<user or DOMAIN\\user>;
                      Encrypt=true;TrustServerCertificate=false. The password comes from ${PASSWORD_ENV}
                      or a prompt, never from the connection string.
  --ca <pem>          PEM file of the CA that issued the SQL Server certificate (pins it)
  --thumbprint <hex>  SHA-256 thumbprint of the SQL Server certificate (pins it)
  --site-code <code>  site code when the database is not named CM_<code>
  --plan <plan>       read the site the plan names
  --snapshot <file>   read a snapshot file
  -o, --out <file>    where export writes the snapshot, or probe its report
  --json              summary as JSON`,
  async run(argv, io) {
    const [action, ...rest] = argv;
    if (action !== 'export' && action !== 'summary' && action !== 'probe' && action !== 'test')
      throw new UserError(`expected 'export', 'summary', 'probe' or 'test'.\n${usage}`);
    const { values, positionals } = parseOptions(
      rest,
      {
        sql: { type: 'string' },
        ca: { type: 'string' },
        thumbprint: { type: 'string' },
        'site-code': { type: 'string' },
        plan: { type: 'string' },
        snapshot: { type: 'string' },
        out: { type: 'string', short: 'o' },
        json: { type: 'boolean' },
      },
      usage,
    );
    if (positionals.length) throw new UserError(`unexpected '${positionals[0]}'.\n${usage}`);
    // Files named on the command line are where the user says, from where they ran it (absolute:
    // the plan-folder rule for relative paths is for plans).
    const sqlConfig = () =>
      parseConnectionString(values.sql!, {
        ca: values.ca && resolve(io.cwd, values.ca),
        thumbprint: values.thumbprint,
        siteCode: values['site-code'],
      });

    if (action === 'export') {
      if (!values.sql || !values.out) throw new UserError(`export needs --sql and -o.\n${usage}`);
      const model = await readSite(sqlConfig(), io.cwd, io);
      const out = resolve(io.cwd, values.out);
      await writeSnapshotFile(out, model);
      io.err(snapshotWrittenText(values.out, model));
      return 0;
    }

    const chosen = [values.plan, values.snapshot, values.sql].filter(Boolean).length;
    if (chosen !== 1) throw new UserError(`${action} needs exactly one of --plan, --snapshot or --sql.\n${usage}`);
    if (action === 'probe' && !values.out) throw new UserError(`probe needs -o <probe.json>.\n${usage}`);
    let config: SiteSourceConfig;
    let planDir = io.cwd;
    if (values.plan) {
      const file = resolve(io.cwd, values.plan);
      let loaded;
      try {
        loaded = loadPlanFile(file);
      } catch (error) {
        if (error instanceof PlanReadError) throw new UserError(PlanReadError.format(values.plan, error.reason, error.position));
        throw error;
      }
      if (!loaded.plan) {
        const first = loaded.findings.find((f) => f.severity === 'error');
        throw new UserError(
          `${values.plan} has errors (first: ${first?.message ?? 'unknown'}); run \`cm2intune validate ${values.plan}\`.`,
        );
      }
      config = loaded.plan.site;
      planDir = dirname(file);
    } else if (values.snapshot) {
      config = { source: 'snapshot', path: resolve(io.cwd, values.snapshot) };
    } else {
      config = sqlConfig();
    }
    if (action === 'test') {
      io.out(await testSite(config, planDir, io));
      return 0;
    }
    const model = await readSite(config, planDir, io);
    if (action === 'probe') {
      const report = probeSite(model);
      writeFileSync(resolve(io.cwd, values.out!), `${JSON.stringify(report, null, 2)}\n`);
      const surprises = Object.values(report.configurationItems).reduce((n, g) => n + g.surprises.length, 0);
      io.err(
        `Wrote ${values.out}: ${model.configurationItems.length} configuration items in ${Object.keys(report.configurationItems).length} shapes, ${surprises} thing(s) cm2intune does not read. It holds no names, addresses or certificates; look it over before you share it.`,
      );
      return 0;
    }
    const summary = summarize(model);
    if (values.json) io.out(JSON.stringify(summary, null, 2));
    else printSummary(summary, io);
    return 0;
  },
};
