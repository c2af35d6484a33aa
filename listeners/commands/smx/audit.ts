import { SmxError } from '../../../src/errors';
import { history } from '../../../src/services/audit';
import { findPost } from '../../../src/services/posts';
import { reviewHistory } from '../../../src/services/replies';
import { auditMessage, reviewAuditMessage } from '../../../src/slack/blocks/post-audit';
import type { Subcommand } from './types';

export const AUDIT_USAGE =
  'Say which post or review, e.g. `/smx audit P7K2Q` (`/smx queue` lists post ids) or `/smx audit <review id>` for a review and its replies.';

export const auditCommand: Subcommand = {
  name: 'audit',
  aliases: ['history'],
  summary:
    "Show a post's history (who created, edited, approved, published it) — or a review's, with its replies.",
  example: '/smx audit P7K2Q',
  async run({ ctx, args, respond }) {
    const id = args.split(/\s+/)[0] ?? '';
    if (id === '') throw new SmxError('BAD_INPUT', AUDIT_USAGE);
    if (/^[0-9a-f]{24}$/i.test(id)) {
      const h = await reviewHistory(id);
      await respond({
        response_type: 'ephemeral',
        ...reviewAuditMessage(h.review, h.rows, ctx.config.timezone),
      });
      return;
    }
    const post = await findPost(id, ctx.now());
    const rows = await history('post', post.shortId);
    await respond({ response_type: 'ephemeral', ...auditMessage(post, rows, ctx.config.timezone) });
  },
};
