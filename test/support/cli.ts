// Runs the real CLI (src/cli/main.ts through tsx) in a child process, as a user would.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const repoRoot = join(__dirname, '../..');
// Absolute, so the CLI also starts from a folder outside the repo.
const tsx = pathToFileURL(require.resolve('tsx')).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, join(repoRoot, 'src/cli/main.ts'), ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, INIT_CWD: options.cwd ?? repoRoot, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cm2intune ${args.join(' ')} did not finish in ${options.timeoutMs ?? 60000} ms\n${stderr}`));
    }, options.timeoutMs ?? 60000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
