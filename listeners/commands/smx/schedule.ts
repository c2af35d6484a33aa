import { DateTime } from 'luxon';
import { enabledTargets } from '../../../src/adapters/targets';
import {
  createPost,
  parseScheduleArgs,
  resolveTargets,
  scheduledConfirmation,
} from '../../../src/services/posts';
import { numericDateExample } from '../../../src/services/when';
import { scheduleModal } from '../../../src/slack/blocks/post-modals';
import { escapeMrkdwn } from '../../../src/slack/text';
import type { Subcommand } from './types';

/** `/smx schedule [to:x,facebook] <when> | <text>`; alone, it opens the schedule modal. */
export const schedule: Subcommand = {
  name: 'schedule',
  aliases: ['post'],
  summary:
    'Draft a post for X and/or Facebook; approvers approve it, smx publishes it at that time (e.g. tomorrow 9am, day after tomorrow 10:30, in 2 hours).',
  example: (config) =>
    `/smx schedule to:x ${numericDateExample(config.dateOrder)} | Flu shots are free this week #FluSeason`,
  async run({ ctx, args, command, respond, client }) {
    if (args === '') {
      // Checks "is any target configured" before opening a modal that would have nothing to tick.
      resolveTargets(ctx, undefined);
      // The next full hour: never a time already past, and a round time people usually pick.
      const next = DateTime.fromJSDate(ctx.now(), { zone: ctx.config.timezone })
        .startOf('hour')
        .plus({ hours: 1 });
      await client.views.open({
        trigger_id: command.trigger_id,
        view: scheduleModal(
          enabledTargets(ctx.config).map((t) => ({ name: t.name, label: t.label })),
          next.toISODate() as string,
          command.channel_id,
          next.toFormat('HH:mm'),
        ),
      });
      return;
    }
    const req = parseScheduleArgs(ctx, args);
    const post = await createPost(ctx, client, {
      authorId: command.user_id,
      targets: req.targets,
      when: req.when,
      text: req.text,
      originChannel: command.channel_id,
    });
    const notes = [
      ...post.checks.errors.map((e) => `:no_entry: ${escapeMrkdwn(e)} Use *Edit* on the card to fix it.`),
      ...post.checks.warnings.map((w) => `:warning: ${escapeMrkdwn(w)}`),
    ];
    await respond({
      response_type: 'ephemeral',
      text: [scheduledConfirmation(ctx, post), ...notes].join('\n'),
    });
  },
};
