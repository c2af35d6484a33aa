/**
 * Shared plumbing for button listeners (no business logic): ack first, run, turn any failure into a fixed message,
 * and answer the clicker privately wherever they clicked — a channel message (its response_url), an ephemeral list,
 * or the App Home tab, which has no response_url (there the answer comes as a DM from smx and the tab is redrawn).
 */
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { SmxContext } from '../context';
import { logFailure } from '../errors';
import { publishHome } from './home';
import { reliableRespond } from './respond';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
/** Answers the clicker: a text, optionally with blocks (e.g. a follow-up question with a button). */
export type Reply = (text: string, blocks?: KnownBlock[]) => Promise<void>;

/** True when the click came from the App Home tab. */
export function clickedInHome(body: BlockButtonAction): boolean {
  return body.view?.type === 'home' || body.container?.type === 'view';
}

/** A private answer to whoever clicked, on the surface they clicked on. */
export function replyTo({ body, respond, client, logger }: ButtonArgs): Reply {
  return async (text, blocks) => {
    const extra = blocks ? { blocks } : {};
    if (body.response_url && respond) {
      // A response_url that fails or hangs: the same answer as an ephemeral message (or DM) instead.
      const where = { user: body.user.id, channel: body.channel?.id };
      await reliableRespond(
        respond,
        client,
        where,
        logger,
      )({
        response_type: 'ephemeral',
        replace_original: false,
        text,
        ...extra,
      });
    } else if (body.channel?.id) {
      await client.chat.postEphemeral({ channel: body.channel.id, user: body.user.id, text, ...extra });
    } else {
      // Posting to a user id lands in the app's Messages tab with that person.
      await client.chat.postMessage({ channel: body.user.id, text, ...extra });
    }
  };
}

/** Wraps a button's work: ack, run, and one clear answer plus one log line on failure. */
export function buttonListener(
  ctx: SmxContext,
  name: string,
  work: (args: ButtonArgs, reply: Reply) => Promise<void>,
): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const reply = replyTo(args);
    try {
      await work(args, reply);
    } catch (err) {
      const a = logFailure(ctx.logger, err, 'button failed', { listener: name, user: args.body.user.id });
      await reply(a.message).catch((e: unknown) =>
        ctx.logger.error({ err: e, listener: name }, 'could not tell the user about the failure'),
      );
    }
    // A decision taken on the Home tab changes what the tab shows.
    if (clickedInHome(args.body)) await publishHome(ctx, args.client, args.body.user.id);
  };
}
