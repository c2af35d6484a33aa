/** Reading approval cards the way a person in the approvals channel sees them (fake Slack's stored messages). */

import { Post } from '../../models/post';
import {
  POST_ACTION_IDS,
  REPLY_ACTION_IDS,
  REPLY_BLOCK_IDS,
  REPLY_CALLBACK_IDS,
  REPLY_INPUT_IDS,
} from '../../src/slack/ids';
import type { FakeSlack, StoredMessage } from '../fakes/slack';
import { type TestApp, visibleText, waitUntil } from './app';

export function cardOf(slack: FakeSlack, channel: string, shortId: string): StoredMessage {
  // The card's fallback text starts with its kind's noun ("Post", "Repost", "Video fix") and the short id.
  const m = slack.channelMessages(channel).find((c) => !c.thread_ts && c.text.includes(` ${shortId} to `));
  if (!m) throw new Error(`no card for ${shortId}`);
  return m;
}

export const cardText = (slack: FakeSlack, channel: string, shortId: string): string => {
  const c = cardOf(slack, channel, shortId);
  return visibleText({ text: c.text, blocks: c.blocks });
};

/** Everything in the card's thread (publish results), as text. */
export function threadText(slack: FakeSlack, channel: string, shortId: string): string {
  const c = cardOf(slack, channel, shortId);
  return slack
    .channelMessages(channel)
    .filter((m) => m.thread_ts === c.ts)
    .map((m) => visibleText({ text: m.text, blocks: m.blocks }))
    .join('\n');
}

/** An approver clicks Approve on revision 1 of the card. */
export function approveCard(t: TestApp, channel: string, shortId: string, approver: string) {
  return t.action({ actionId: POST_ACTION_IDS.approve, value: `${shortId}:1`, user: approver, channel });
}

/**
 * An approver approves revision 1, first overriding the PHI guard with a written reason when it flagged the text
 * (a health word in a public notice, say), as they would on the card.
 */
export async function overridePhiAndApprove(t: TestApp, channel: string, shortId: string, approver: string) {
  await overridePhiIfFlagged(t, channel, shortId, approver);
  return approveCard(t, channel, shortId, approver);
}

/** When the PHI guard flagged revision 1, an approver overrides it with a written reason. */
export async function overridePhiIfFlagged(t: TestApp, channel: string, shortId: string, approver: string) {
  const value = `${shortId}:1`;
  const flagged = ((await Post.findOne({ shortId }).lean())?.phi?.findings.length ?? 0) > 0;
  if (flagged) {
    await t.action({ actionId: REPLY_ACTION_IDS.overridePhi, value, user: approver, channel });
    await t.viewSubmission({
      callbackId: REPLY_CALLBACK_IDS.override,
      privateMetadata: value,
      user: approver,
      values: {
        [REPLY_BLOCK_IDS.reason]: {
          [REPLY_INPUT_IDS.reason]: {
            type: 'plain_text_input',
            value: 'A public health notice; no patient in it.',
          },
        },
      },
    });
    await waitUntil(async () => Boolean((await Post.findOne({ shortId }).lean())?.phi?.overriddenBy));
  }
}
