import { SmxError } from '../../../src/errors';
import {
  addTemplate,
  fillTemplate,
  listTemplates,
  removeTemplate,
  TEMPLATE_MESSAGES,
} from '../../../src/services/reply-templates';
import { replyTemplatesMessage } from '../../../src/slack/blocks/reply-templates';
import { codeOutside } from '../../../src/slack/text';
import type { Subcommand } from './types';

export const templates: Subcommand = {
  name: 'templates',
  aliases: ['template'],
  summary: 'Reply templates for answering reviews; approvers add and remove them.',
  example: '/smx templates add parking | Thank you for the feedback about parking. Questions: {contact}',
  async run({ ctx, args, command, respond, client }) {
    const space = args.search(/\s/);
    const verb = (space < 0 ? args : args.slice(0, space)).toLowerCase();
    const rest = space < 0 ? '' : args.slice(space + 1).trim();
    const contact = ctx.config.replies.patientRelationsContact;
    switch (verb) {
      case '':
      case 'list': {
        const all = (await listTemplates()).map((t) => ({ ...t, text: fillTemplate(t.text, contact) }));
        await respond({ response_type: 'ephemeral', ...replyTemplatesMessage(all, contact) });
        return;
      }
      case 'add': {
        const bar = rest.indexOf('|');
        if (bar < 0) throw new SmxError('BAD_INPUT', TEMPLATE_MESSAGES.usage);
        const t = await addTemplate(ctx, client, command.user_id, rest.slice(0, bar), rest.slice(bar + 1));
        await respond({
          response_type: 'ephemeral',
          text: `:memo: Template ${codeOutside(t.name, 40)} saved; it is in the template picker of every new reply. \`/smx templates\` lists them.`,
        });
        return;
      }
      case 'remove':
      case 'delete': {
        if (rest === '') throw new SmxError('BAD_INPUT', TEMPLATE_MESSAGES.usage);
        await removeTemplate(ctx, client, command.user_id, rest);
        await respond({
          response_type: 'ephemeral',
          text: `:wastebasket: Template ${codeOutside(rest.toLowerCase(), 40)} removed. Replies already drafted with it keep their text.`,
        });
        return;
      }
      default:
        throw new SmxError('BAD_INPUT', TEMPLATE_MESSAGES.usage);
    }
  },
};
