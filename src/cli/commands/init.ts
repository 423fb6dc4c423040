import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { STARTER_PLAN } from '../../core/plan/starter';
import { UserError } from '../../core/errors';
import { parseOptions, type Command } from '../cli';

const usage = 'Usage: cm2intune init [file] [--force]';

export const init: Command = {
  name: 'init',
  summary: 'Write a starter migration plan whose comments explain each part',
  help: `${usage}

Writes a starter plan (default: cm2intune.migration.json in the current folder).

Options:
  --force   overwrite an existing file`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { force: { type: 'boolean' } }, usage);
    const name = positionals[0] ?? 'cm2intune.migration.json';
    if (!name.endsWith('.migration.json')) {
      throw new UserError(
        `"${name}": a plan file name ends in .migration.json, so editors apply the plan schema. Use e.g. "${name.replace(/\.json$/, '')}.migration.json".`,
      );
    }
    const file = resolve(io.cwd, name);
    if (existsSync(file) && !values.force) throw new UserError(`${name} already exists: choose another name or add --force.`);
    writeFileSync(file, STARTER_PLAN);
    io.out(`Wrote ${name}. Edit it, then run: cm2intune validate ${name}`);
    return 0;
  },
};
