import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { SmxContext } from '../../src/context';
import { logFailure, toUserFacing } from '../../src/errors';
import { createPost, resolveTargets, scheduledConfirmation } from '../../src/services/posts';
import { fromPickers, type When } from '../../src/services/when';
import { POST_BLOCK_IDS, POST_INPUT_IDS } from '../../src/slack/ids';

const stateSchema = z.object({
  [POST_BLOCK_IDS.targets]: z.object({
    [POST_INPUT_IDS.targets]: z.object({
      selected_options: z.array(z.object({ value: z.string() })).default([]),
    }),
  }),
  [POST_BLOCK_IDS.now]: z
    .object({
      [POST_INPUT_IDS.now]: z.object({
        selected_options: z.array(z.object({ value: z.string() })).default([]),
      }),
    })
    .optional(),
  [POST_BLOCK_IDS.date]: z
    .object({ [POST_INPUT_IDS.date]: z.object({ selected_date: z.string().nullish() }) })
    .optional(),
  [POST_BLOCK_IDS.time]: z
    .object({ [POST_INPUT_IDS.time]: z.object({ selected_time: z.string().nullish() }) })
    .optional(),
  [POST_BLOCK_IDS.text]: z.object({ [POST_INPUT_IDS.text]: z.object({ value: z.string().nullish() }) }),
});

export const MODAL_MESSAGES = {
  noTargets: 'Pick at least one place to publish.',
  noText: 'Write the text of the post, e.g. "Flu shots are free this week #FluSeason".',
  noDate: 'Pick a date and a time, or tick "Publish as soon as it is approved".',
} as const;

/** `schedule_post` submission: the same checks as the typed command, errors shown on the fields. */
export const schedulePostView =
  (ctx: SmxContext) =>
  async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const parsed = stateSchema.safeParse(view.state.values);
    if (!parsed.success) {
      await ack({
        response_action: 'errors',
        errors: { [POST_BLOCK_IDS.text]: 'Something in the form was unreadable; please fill it in again.' },
      });
      return;
    }
    const v = parsed.data;
    const errors: Record<string, string> = {};
    const targetNames = v[POST_BLOCK_IDS.targets][POST_INPUT_IDS.targets].selected_options.map(
      (o) => o.value,
    );
    let targets: string[] = [];
    if (targetNames.length === 0) errors[POST_BLOCK_IDS.targets] = MODAL_MESSAGES.noTargets;
    else {
      try {
        targets = resolveTargets(ctx, targetNames);
      } catch (err) {
        errors[POST_BLOCK_IDS.targets] = toUserFacing(err).message;
      }
    }
    const now = (v[POST_BLOCK_IDS.now]?.[POST_INPUT_IDS.now].selected_options.length ?? 0) > 0;
    const date = v[POST_BLOCK_IDS.date]?.[POST_INPUT_IDS.date].selected_date;
    const time = v[POST_BLOCK_IDS.time]?.[POST_INPUT_IDS.time].selected_time;
    let when: When | undefined;
    if (now) when = { at: ctx.now(), now: true };
    else if (!date || !time) errors[date ? POST_BLOCK_IDS.time : POST_BLOCK_IDS.date] = MODAL_MESSAGES.noDate;
    else {
      try {
        when = fromPickers(date, time, ctx.now(), ctx.config.timezone);
      } catch (err) {
        errors[POST_BLOCK_IDS.date] = toUserFacing(err).message.replace(/ Nothing was scheduled\.$/, '');
      }
    }
    const text = (v[POST_BLOCK_IDS.text][POST_INPUT_IDS.text].value ?? '').trim();
    if (text === '') errors[POST_BLOCK_IDS.text] = MODAL_MESSAGES.noText;
    if (Object.keys(errors).length > 0 || !when) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const user = body.user.id;
    try {
      const post = await createPost(ctx, client, {
        authorId: user,
        targets,
        when,
        text,
        originChannel: view.private_metadata || undefined,
      });
      await tell(client, user, view.private_metadata, scheduledConfirmation(ctx, post));
    } catch (err) {
      const a = logFailure(ctx.logger, err, 'schedule modal failed');
      await tell(client, user, view.private_metadata, a.message).catch(() => undefined);
    }
  };

async function tell(
  client: AllMiddlewareArgs['client'],
  user: string,
  channel: string,
  text: string,
): Promise<void> {
  if (channel) {
    await client.chat.postEphemeral({ channel, user, text });
    return;
  }
  const open = await client.conversations.open({ users: user });
  if (open.channel?.id) await client.chat.postMessage({ channel: open.channel.id, text });
}
