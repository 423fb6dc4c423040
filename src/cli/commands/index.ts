// Every CLI command, in the order `cm2intune --help` lists them. Add one line per command.
import type { Command } from '../cli';

export const commands: Command[] = [];
