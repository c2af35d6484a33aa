import { SmxError } from '../../../src/errors';
import { history } from '../../../src/services/audit';
import { findPost } from '../../../src/services/posts';
import { auditMessage } from '../../../src/slack/blocks/post-audit';
import type { Subcommand } from './types';

export const AUDIT_USAGE = 'Say which post, e.g. `/smx audit P7K2Q` (`/smx queue` lists the ids).';

export const auditCommand: Subcommand = {
  name: 'audit',
  aliases: ['history'],
  summary: "Show a post's history: who created, edited, approved and published it, and when.",
  example: '/smx audit P7K2Q',
  async run({ ctx, args, respond }) {
    const id = args.split(/\s+/)[0] ?? '';
    if (id === '') throw new SmxError('BAD_INPUT', AUDIT_USAGE);
    const post = await findPost(id);
    const rows = await history('post', post.shortId);
    await respond({ response_type: 'ephemeral', ...auditMessage(post, rows, ctx.config.timezone) });
  },
};
