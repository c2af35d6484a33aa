/**
 * Shared plumbing for modals that take a decision (reject reason, edit text) — no business logic. A refusal is
 * shown on the modal's field when the decision is known in time; Slack wants the answer within 3 seconds, so when
 * the database is slow the modal closes first and the outcome (a refusal, or what went wrong around a won decision)
 * arrives by DM instead. Never silence, never a timeout.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewOutput, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SmxContext } from '../context';
import { logFailure } from '../errors';
import { type EditOutcome, withProblems } from '../services/post-decisions';
import type { PostView } from '../services/post-view';
import { parseCardValue, tellUser } from '../services/posts';

/** How long a submission waits for its decision before closing the modal and answering by DM. */
export const MODAL_ANSWER_MS = 2000;

export interface DecisionModal {
  name: string;
  /** The input block a refusal is shown on. */
  blockId: string;
  /** The card value (`<shortId>:<revision>`) inside the modal's private_metadata; default: all of it. */
  cardOf?: (metadata: string) => string;
  /** A problem with the form itself (shown on the field at once; nothing is decided). */
  precheck?: (view: ViewOutput) => string | undefined;
  run: (a: {
    shortId: string;
    revision: number;
    user: string;
    view: ViewOutput;
    client: WebClient;
  }) => Promise<EditOutcome>;
  /** What the actor is told about a won decision when something around it failed. */
  done: (post: PostView) => string;
}

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export const decisionModal =
  (ctx: SmxContext, m: DecisionModal) =>
  async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const invalid = m.precheck?.(view);
    if (invalid) {
      await ack({ response_action: 'errors', errors: { [m.blockId]: invalid } });
      return;
    }
    const user = body.user.id;
    const tell = (text: string) =>
      tellUser(client, user, text).catch((err: unknown) =>
        ctx.logger.error({ err, listener: m.name }, 'could not tell the user about a modal decision'),
      );
    const fail = async (err: unknown) => {
      const a = logFailure(ctx.logger, err, 'decision modal failed', { listener: m.name });
      await tell(a.message);
    };
    let shortId: string;
    let work: Promise<EditOutcome>;
    try {
      const card = parseCardValue(m.cardOf ? m.cardOf(view.private_metadata) : view.private_metadata);
      shortId = card.shortId;
      work = m.run({ ...card, user, view, client });
    } catch (err) {
      await ack();
      await fail(err);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([
      work.then(
        (r) => ({ r }),
        () => undefined,
      ),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), MODAL_ANSWER_MS);
      }),
    ]);
    clearTimeout(timer);
    if (first && first.r.kind !== 'ok') {
      await ack({ response_action: 'errors', errors: { [m.blockId]: first.r.message } });
      return;
    }
    await ack();
    try {
      const res = await work;
      if (res.kind !== 'ok') await tell(`Post *${shortId}*: ${res.message}`);
      else if (res.problems.length > 0) await tell(withProblems(m.done(res.post), res.problems));
    } catch (err) {
      await fail(err);
    }
  };
