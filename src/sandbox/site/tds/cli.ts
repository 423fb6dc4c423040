// npm run sql:test-server -- --fixture <file.sql> [--fixture <more.sql>] [--port <n>] [--password <p>]
// Serves fixture data over TDS (TLS on) on localhost until Ctrl-C / SIGTERM, for trying the product by hand.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startTdsTestServer } from './server';

const HELP = `Usage: npm run sql:test-server -- --fixture <file.sql> [--fixture <more.sql>] [options]

Serves the fixture tables/views over TDS (TLS 1.2, self-signed certificate for localhost)
on 127.0.0.1 until Ctrl-C or SIGTERM. Test support only: never point it at real data.

Options:
  --fixture <file>     SQL script (SQLite dialect) creating tables/views under production names; repeatable
  --port <n>           port to listen on (default: a free port)
  --user <name>        SQL login (default cm_reader)
  --password <p>       its password (default: generated and printed)
  --database <name>    database name (default CM_P01)
  --query-delay-ms <n> latency added to every query
  --help               this text

Example:
  npm run sql:test-server -- --fixture src/sandbox/site/contoso/contoso.sql --port 14330`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        fixture: { type: 'string', multiple: true },
        port: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        database: { type: 'string' },
        'query-delay-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\nRun with --help for the options.\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!args.fixture?.length) {
    process.stderr.write('Give at least one --fixture <file.sql> (see --help).\n');
    return 2;
  }
  const number = (name: string, value: string | undefined, max: number) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`--${name} must be a whole number from 0 to ${max}, not '${value}'.`);
    return n;
  };
  let server;
  try {
    server = await startTdsTestServer({
      fixtureFiles: args.fixture.map((f) => resolve(process.env.INIT_CWD ?? process.cwd(), f)),
      port: number('port', args.port, 65535),
      user: args.user,
      password: args.password,
      database: args.database,
      queryDelayMs: number('query-delay-ms', args['query-delay-ms'], 600_000),
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune-tds-'));
  const caFile = join(dir, 'tds-test-server-ca.pem');
  writeFileSync(caFile, server.caPem);
  const quoted = `'${server.password.replace(/'/g, `'\\''`)}'`;
  process.stdout.write(
    [
      `TDS test server listening on localhost:${server.port} (database ${server.database}, login ${server.user})`,
      `Connection string: ${server.connectionString()}`,
      `Password:          export CM2INTUNE_SQL_PASSWORD=${quoted}`,
      `CA certificate:    ${caFile}`,
      `Thumbprint:        ${server.certificateThumbprint}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      process.stdout.write(`\n${signal}: stopping.\n`);
      done();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  },
);
