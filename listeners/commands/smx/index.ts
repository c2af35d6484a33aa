/** The `/smx` subcommands. Adding one = one file + one line here; `/smx help` lists them in this order. */
import { auditCommand } from './audit';
import { campaign } from './campaign';
import { cancel } from './cancel';
import { canned } from './canned';
import { digest } from './digest';
import { goals } from './goals';
import { help, setHelpEntries } from './help';
import { metrics } from './metrics';
import { photos } from './photos';
import { plan } from './plan';
import { queue } from './queue';
import { reply } from './reply';
import { repost } from './repost';
import { reschedule } from './reschedule';
import { reviews } from './reviews';
import { schedule } from './schedule';
import { sources } from './sources';
import { status } from './status';
import { tags } from './tags';
import { templates } from './templates';
import type { Subcommand } from './types';
import { videos } from './videos';
import { visits } from './visits';

export const subcommands: readonly Subcommand[] = [
  help,
  // Posts
  schedule,
  queue,
  cancel,
  reschedule,
  tags,
  canned,
  repost,
  plan,
  videos,
  photos,
  auditCommand,
  // Reviews and feedback
  reviews,
  reply,
  templates,
  digest,
  sources,
  // Metrics and goals
  metrics,
  goals,
  visits,
  campaign,
  // Health
  status,
];

setHelpEntries(() => subcommands);

export function findSubcommand(name: string): Subcommand | undefined {
  const n = name.toLowerCase();
  return subcommands.find((s) => s.name === n || s.aliases?.includes(n));
}
