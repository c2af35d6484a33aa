/** The `/smx` subcommands. Adding one = one file + one line here; `/smx help` lists them in this order. */
import { help, setHelpEntries } from './help';
import { status } from './status';
import type { Subcommand } from './types';

export const subcommands: readonly Subcommand[] = [help, status];

setHelpEntries(() => subcommands);

export function findSubcommand(name: string): Subcommand | undefined {
  const n = name.toLowerCase();
  return subcommands.find((s) => s.name === n || s.aliases?.includes(n));
}
