// Every CLI command, in the order `cm2intune --help` lists them. Add one line per command.
import type { Command } from '../cli';
import { authority } from './authority';
import { importCommand } from './import';
import { init } from './init';
import { prepareCommand } from './prepare';
import { sandbox } from './sandbox';
import { site } from './site';
import { status } from './status';
import { validate } from './validate';
import { wave } from './wave';

export const commands: Command[] = [init, validate, site, importCommand, prepareCommand, wave, authority, status, sandbox];
