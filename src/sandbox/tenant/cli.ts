// npm run sandbox -- [--seed <file>] [--port <n>] [--persist <file>] [--no-throttle]
// Runs the sandbox tenant in the foreground until SIGINT/SIGTERM.
import { resolve } from 'node:path';
import { startSandboxTenant, type SandboxOptions } from './index';
import { readSeedFile } from './seed-file';

const USAGE = 'usage: npm run sandbox -- [--seed <file>] [--port <n>] [--persist <file>] [--no-throttle]';

function parseArgs(argv: string[]): SandboxOptions & { seedFile?: string } {
  const options: SandboxOptions & { seedFile?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value. ${USAGE}`);
      return v;
    };
    if (arg === '--seed') options.seedFile = resolve(value());
    else if (arg === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535. ${USAGE}`);
      options.port = port;
    } else if (arg === '--persist') options.persistPath = resolve(value());
    else if (arg === '--no-throttle') options.throttle = false;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`Unknown option ${arg}. ${USAGE}`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const tenant = await startSandboxTenant({ ...options, seed: options.seedFile ? readSeedFile(options.seedFile) : undefined });
  console.log('cm2intune sandbox tenant — NOT Microsoft Graph (local test double, in memory)');
  console.log(`  url:       ${tenant.url}   (Graph base: append /v1.0 or /beta)`);
  console.log(`  tenant id: ${tenant.tenantId}`);
  console.log(`  seed:      ${options.seedFile ?? 'built-in Contoso seed'}`);
  if (options.persistPath) console.log(`  state:     ${options.persistPath}`);
  console.log(
    `  throttle:  ${options.throttle === false ? 'off' : 'on, per service and app (Intune 100 writes / 2000 requests per 20 s; Entra ID 3000 writes per 150 s, 3500 resource units per 10 s)'}`,
  );
  console.log('  admin:     GET /_sandbox/stats, GET /_sandbox/state, POST /_sandbox/reset, POST|DELETE /_sandbox/faults');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox tenant`);
    tenant.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(`sandbox: ${(e as Error).message}`);
  process.exit(1);
});
