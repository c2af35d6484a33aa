import { SmxError } from '../../../src/errors';
import { requireApprover } from '../../../src/services/approvers';
import {
  addTopic,
  loadGuideline,
  parseTag,
  removeTopic,
  requireTag,
  TAG_MESSAGES,
  unrequireTag,
} from '../../../src/services/tags';
import { tagGuidelineMessage } from '../../../src/slack/blocks/tag-guideline';
import { escapeMrkdwn } from '../../../src/slack/text';
import type { Subcommand } from './types';

export const tags: Subcommand = {
  name: 'tags',
  summary:
    'Show the #tag guideline drafts are checked against; approvers change it (add, remove, require, unrequire).',
  example: '/smx tags add flu #FluSeason #GetVaccinated',
  async run({ ctx, args, command, respond, client }) {
    const [verb = '', ...rest] = args.split(/\s+/).filter((w) => w !== '');
    const actor = command.user_id;
    if (['add', 'remove', 'require', 'unrequire'].includes(verb.toLowerCase())) {
      await requireApprover(ctx, client, actor, 'change the #tag guideline');
    }
    const now = ctx.now();
    let done: string;
    switch (verb.toLowerCase()) {
      case '':
      case 'list':
        await respond({ response_type: 'ephemeral', ...tagGuidelineMessage(await loadGuideline()) });
        return;
      case 'add': {
        const [topic, ...tagWords] = rest;
        if (!topic || topic.startsWith('#') || tagWords.length === 0)
          throw new SmxError('BAD_INPUT', TAG_MESSAGES.usage);
        const list = tagWords.map(parseTag);
        await addTopic(topic, list, actor, now);
        done = `Posts mentioning '${escapeMrkdwn(topic.toLowerCase())}' should carry ${list.map((t) => `#${t}`).join(' ')}.`;
        break;
      }
      case 'remove': {
        const [topic] = rest;
        if (!topic) throw new SmxError('BAD_INPUT', TAG_MESSAGES.usage);
        await removeTopic(topic, actor, now);
        done = `Removed the topic '${escapeMrkdwn(topic.toLowerCase())}' from the guideline.`;
        break;
      }
      case 'require': {
        if (rest.length === 0) throw new SmxError('BAD_INPUT', TAG_MESSAGES.usage);
        const list = rest.map(parseTag);
        for (const t of list) await requireTag(t, actor, now);
        done = `Every post should now carry ${list.map((t) => `#${t}`).join(' ')}.`;
        break;
      }
      case 'unrequire': {
        if (rest.length === 0) throw new SmxError('BAD_INPUT', TAG_MESSAGES.usage);
        const list = rest.map(parseTag);
        for (const t of list) await unrequireTag(t, actor, now);
        done = `${list.map((t) => `#${t}`).join(' ')} ${list.length === 1 ? 'is' : 'are'} no longer required.`;
        break;
      }
      default:
        throw new SmxError('BAD_INPUT', TAG_MESSAGES.usage);
    }
    await respond({
      response_type: 'ephemeral',
      text: `:label: ${done} New drafts are checked against this; \`/smx tags\` shows the whole guideline.`,
    });
  },
};
