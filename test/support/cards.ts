/** Reading approval cards the way a person in the approvals channel sees them (fake Slack's stored messages). */

import { POST_ACTION_IDS } from '../../src/slack/ids';
import type { FakeSlack, StoredMessage } from '../fakes/slack';
import { type TestApp, visibleText } from './app';

export function cardOf(slack: FakeSlack, channel: string, shortId: string): StoredMessage {
  const m = slack.channelMessages(channel).find((c) => !c.thread_ts && c.text.includes(`Post ${shortId} `));
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
