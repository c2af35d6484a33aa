import { SmxError } from '../../../src/errors';
import {
  addCanned,
  CANNED_MESSAGES,
  listCanned,
  removeCanned,
  useCanned,
} from '../../../src/services/canned';
import { scheduledConfirmation } from '../../../src/services/posts';
import { escapeMrkdwn, fitText, truncate } from '../../../src/slack/text';
import type { Subcommand } from './types';

export const canned: Subcommand = {
  name: 'canned',
  summary:
    'Evergreen posts for thin weeks: add, list, use [to:x] <when> (makes a draft for approval), remove (your own; approvers any).',
  example: '/smx canned use C3F7K tomorrow 9am',
  async run({ ctx, args, command, respond, client }) {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(args);
    const verb = (m?.[1] ?? '').toLowerCase();
    const rest = (m?.[2] ?? '').trim();
    let text: string;
    switch (verb) {
      case 'add': {
        const doc = await addCanned(ctx, rest, command.user_id);
        text = `:card_file_box: Saved canned post *${doc.shortId}*. Use it with \`/smx canned use ${doc.shortId} tomorrow 9am\`.`;
        break;
      }
      case '':
      case 'list': {
        const rows = await listCanned();
        text =
          rows.length === 0
            ? 'No canned posts yet — add one with `/smx canned add <text>`.'
            : `*Canned posts* (least used first):\n${rows
                .map(
                  (r) =>
                    `• *${r.shortId}* (used ${r.timesUsed}×) ${fitText(r.text.replace(/\s+/g, ' '), 120)}`,
                )
                .join('\n')}`;
        text = truncate(text, 2900);
        break;
      }
      case 'use': {
        const u = /^(\S+)\s+([\s\S]+)$/.exec(rest);
        if (!u?.[1] || !u[2]) throw new SmxError('BAD_INPUT', CANNED_MESSAGES.usage);
        const post = await useCanned(ctx, client, u[1], u[2], command.user_id, command.channel_id);
        text = scheduledConfirmation(ctx, post);
        break;
      }
      case 'remove': {
        if (rest === '') throw new SmxError('BAD_INPUT', CANNED_MESSAGES.usage);
        await removeCanned(ctx, client, rest.split(/\s+/)[0] ?? '', command.user_id);
        text = `Removed canned post *${escapeMrkdwn(rest.split(/\s+/)[0] ?? '')}*.`;
        break;
      }
      default:
        throw new SmxError('BAD_INPUT', CANNED_MESSAGES.usage);
    }
    await respond({ response_type: 'ephemeral', text });
  },
};
