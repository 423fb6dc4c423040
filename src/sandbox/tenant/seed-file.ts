// A seed file given on the command line (`npm run sandbox -- --seed <file>`), checked against its
// schema. Apart from the tenant itself, so the schema checker stays out of the extension's sandbox
// chunk, which only ever starts from the generated Contoso seed.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import seedSchema from '../../../schemas/sandbox-seed.schema.json';
import type { SandboxSeed } from './types';

export function readSeedFile(seed: string): SandboxSeed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(seed, 'utf8'));
  } catch (e) {
    throw new Error(
      `Sandbox seed ${seed} could not be read as JSON (${(e as Error).message}). Pass a file that follows schemas/sandbox-seed.schema.json.`,
      { cause: e },
    );
  }
  const validate = new Ajv({ allErrors: true, strict: false }).compile(seedSchema);
  if (!validate(parsed)) {
    const first = validate
      .errors!.slice(0, 3)
      .map((e) => `${e.instancePath || '(top level)'} ${e.message}`)
      .join('; ');
    throw new Error(`Sandbox seed ${seed} does not follow schemas/sandbox-seed.schema.json: ${first}.`);
  }
  return parsed as unknown as SandboxSeed;
}
