// Site snapshots: the SiteModel as a JSON file (`cm2intune site export`), checked against
// schemas/site-snapshot.schema.json on every read.
import Ajv from 'ajv';
import { rename, writeFile } from 'node:fs/promises';
import { PlanFileError, readRegularFile, resolvePlanFile, SNAPSHOT_FILE_LIMIT_BYTES } from '../../plan/files';
import schema from '../../../../schemas/site-snapshot.schema.json';
import { UserError } from '../../errors';
import type { SiteModel } from '../model';
import { latestRevisions } from '../revisions';
import type { SiteSource } from '../source';

export const SNAPSHOT_FORMAT = 'cm2intune-site-snapshot';

export interface SiteSnapshot {
  $schema?: string;
  format: typeof SNAPSHOT_FORMAT;
  version: 1;
  exportedAt: string;
  exportedFrom: string;
  site: SiteModel;
}

/** A snapshot that cannot be read: the message names the file and the JSON pointer. */
export class SnapshotError extends UserError {
  constructor(
    readonly file: string,
    readonly pointer: string,
    reason: string,
  ) {
    super(`${file}${pointer ? ` at ${pointer}` : ''}: ${reason}`, 1);
    this.name = 'SnapshotError';
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;

export function parseSnapshot(text: string, file: string): SiteSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text around the fault; the file may be anything (a key file named by
    // mistake), so only the place is kept.
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new SnapshotError(
      file,
      '',
      `not valid JSON${at ? ` (at character ${Number(at) + 1})` : ''}, so not a site snapshot; check the path, or write it again with \`cm2intune site export\`.`,
    );
  }
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(schema);
  if (!validator(value)) {
    const e = validator.errors![0];
    const where =
      e.keyword === 'required' ? `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}` : e.instancePath;
    const what =
      e.keyword === 'required'
        ? 'is missing'
        : e.keyword === 'const' || e.keyword === 'enum'
          ? `${e.message} (${JSON.stringify((e.params as { allowedValue?: unknown; allowedValues?: unknown }).allowedValue ?? (e.params as { allowedValues?: unknown }).allowedValues)})`
          : e.message;
    throw new SnapshotError(file, where, `not a valid site snapshot: ${what}; write it again with \`cm2intune site export\`.`);
  }
  return value as SiteSnapshot;
}

export async function readSnapshotFile(file: string): Promise<SiteSnapshot> {
  let text: string;
  try {
    text = await readRegularFile(file, SNAPSHOT_FILE_LIMIT_BYTES, 'snapshot');
  } catch (error) {
    if (!(error instanceof PlanFileError)) throw error;
    throw new SnapshotError(
      file,
      '',
      error.code === 'ENOENT' ? 'no such file; write one with `cm2intune site export`, or fix the path.' : error.reason,
    );
  }
  return parseSnapshot(text, file);
}

export function snapshotOf(model: SiteModel, exportedAt = new Date()): SiteSnapshot {
  return { format: SNAPSHOT_FORMAT, version: 1, exportedAt: exportedAt.toISOString(), exportedFrom: model.origin, site: model };
}

/** Writes atomically (temp file + rename), so a crash never leaves half a snapshot. */
export async function writeSnapshotFile(file: string, model: SiteModel, exportedAt = new Date()): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(snapshotOf(model, exportedAt), null, 1) + '\n', 'utf8');
  await rename(temp, file);
}

/** What an export says it wrote (the CLI's `site export`, the extension's "Export site snapshot"). */
export const snapshotWrittenText = (name: string, model: SiteModel) =>
  `Wrote ${name}: ${model.collections.length} collections, ${model.users.length} users, ${model.configurationItems.length} configuration items, ${model.applications.length} applications.`;

export class SnapshotSiteSource implements SiteSource {
  /** `named`: the path as a plan wrote it, checked not to leave the plan's folder. */
  constructor(
    readonly origin: string,
    private readonly named?: { planDir: string; path: string },
  ) {}

  async read(options: { signal?: AbortSignal } = {}): Promise<SiteModel> {
    options.signal?.throwIfAborted();
    if (this.named) {
      try {
        resolvePlanFile(this.named.planDir, this.named.path, 'site.path');
      } catch (error) {
        if (error instanceof PlanFileError) throw new SnapshotError(this.origin, '', error.reason);
        throw error;
      }
    }
    const snapshot = await readSnapshotFile(this.origin);
    return latestRevisions({ ...snapshot.site, origin: this.origin });
  }

  async close(): Promise<void> {}
}
