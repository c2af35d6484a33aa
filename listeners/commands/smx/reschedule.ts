import { SmxError } from '../../../src/errors';
import { reschedulePost, withProblems } from '../../../src/services/post-decisions';
import { formatLocal } from '../../../src/slack/time';
import type { Subcommand } from './types';

export const RESCHEDULE_USAGE =
  'Say which post and when, e.g. `/smx reschedule P7K2Q next monday 10:30` (`/smx queue` lists the ids). Nothing was changed.';

export const reschedule: Subcommand = {
  name: 'reschedule',
  summary: 'Move a post to another time (its author or an approver); an approval is kept.',
  example: '/smx reschedule P7K2Q next monday 10:30',
  async run({ ctx, args, command, respond, client }) {
    const m = /^(\S+)\s+([\s\S]+)$/.exec(args);
    if (!m?.[1] || !m[2]) throw new SmxError('BAD_INPUT', RESCHEDULE_USAGE);
    const { post, problems } = await reschedulePost(ctx, client, m[1], m[2], command.user_id);
    const when = post.publishNow
      ? 'as soon as it is approved'
      : formatLocal(post.scheduledAt, ctx.config.timezone);
    const done = `:calendar: Post *${post.shortId}* will now go out ${when}${post.status === 'approved' ? ' (still approved)' : ''}.`;
    await respond({ response_type: 'ephemeral', text: withProblems(done, problems) });
  },
};
