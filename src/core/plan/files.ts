// Files a plan names (the snapshot, the SQL CA file) and the plan file itself: where a path
// points, and reading it safely. A relative path resolves inside the plan's folder; leaving it
// takes an absolute path, written on purpose. Only regular files are read (never a device, a pipe
// or a folder), up to a size limit, and no message ever quotes what a file holds.
import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

const MiB = 1024 * 1024;
/** A plan with every user of a very large site in waves stays far below this. */
export const PLAN_FILE_LIMIT_BYTES = 16 * MiB;
/** About the longest string Node can hold, so a larger snapshot could not be read anyway. */
export const SNAPSHOT_FILE_LIMIT_BYTES = 512 * MiB;
/** A PEM CA bundle is a few KB. */
export const CA_FILE_LIMIT_BYTES = 1 * MiB;

/** A file that can't or may not be read; `reason` is one clause, safe to show. */
export class PlanFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly code: 'ENOENT' | 'EREAD' | 'ENOTFILE' | 'ETOOBIG' | 'EOUTSIDE' = 'EREAD',
  ) {
    super(`${file}: ${reason}`);
    this.name = 'PlanFileError';
  }
}

/** Where a path written in a plan points, and whether a relative one leaves the plan's folder. */
export function planPath(planDir: string, path: string): { full: string; leavesFolder: boolean } {
  if (isAbsolute(path)) return { full: path, leavesFolder: false };
  const full = resolve(planDir, path);
  return { full, leavesFolder: outside(planDir, full) };
}

function outside(dir: string, full: string): boolean {
  const rel = relative(dir, full);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/**
 * The file a plan's path names, ready to read: a relative path that leaves the plan's folder,
 * by `..` or through a symbolic link, is refused (validate reports it too).
 */
export function resolvePlanFile(planDir: string, path: string, field: string): string {
  const { full, leavesFolder } = planPath(planDir, path);
  const fix = `write the path relative to the plan's folder, or an absolute path if the file is meant to live elsewhere`;
  if (leavesFolder) throw new PlanFileError(full, `${field} "${path}" leads out of the plan's folder: ${fix}.`, 'EOUTSIDE');
  if (!isAbsolute(path)) {
    let real: string | undefined;
    try {
      real = realpathSync(full);
    } catch {
      // missing: reading it says so
    }
    if (real && outside(realpathSync(planDir), real))
      throw new PlanFileError(full, `${field} "${path}" is a link that leads out of the plan's folder: ${fix}.`, 'EOUTSIDE');
  }
  return full;
}

// O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused right after, by fstat.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function check(file: string, stat: { isFile(): boolean; isDirectory(): boolean; size: number }, limit: number, what: string): void {
  if (stat.isDirectory()) throw new PlanFileError(file, `can't read the ${what}: it is a folder, not a ${what} file.`, 'ENOTFILE');
  if (!stat.isFile())
    throw new PlanFileError(
      file,
      `can't read the ${what}: it is not a regular file (a device, a pipe or a socket); name a ${what} file.`,
      'ENOTFILE',
    );
  if (stat.size > limit)
    throw new PlanFileError(
      file,
      `can't read the ${what}: it is ${megabytes(stat.size)}, over the ${megabytes(limit)} limit; no real ${what} is that large, so check the path.`,
      'ETOOBIG',
    );
}

function failure(file: string, error: unknown, what: string): PlanFileError {
  if (error instanceof PlanFileError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? `it is a folder, not a ${what} file`
          : (code ?? 'it cannot be read');
  return new PlanFileError(file, `can't read the ${what}: ${why}.`, code === 'ENOENT' ? 'ENOENT' : 'EREAD');
}

/** Reads a regular file of at most `limit` bytes as UTF-8 (a BOM dropped). */
export function readRegularFileSync(file: string, limit: number, what: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, READ_FLAGS);
    check(file, fstatSync(fd), limit, what);
    const bytes = readFileSync(fd);
    if (bytes.length > limit) throw new PlanFileError(file, `can't read the ${what}: it is over the ${megabytes(limit)} limit.`, 'ETOOBIG');
    return bytes.toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw failure(file, error, what);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export async function readRegularFile(file: string, limit: number, what: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, READ_FLAGS);
    check(file, await handle.stat(), limit, what);
    const bytes = await handle.readFile();
    if (bytes.length > limit) throw new PlanFileError(file, `can't read the ${what}: it is over the ${megabytes(limit)} limit.`, 'ETOOBIG');
    return bytes.toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw failure(file, error, what);
  } finally {
    await handle?.close();
  }
}

export function megabytes(bytes: number): string {
  return bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
