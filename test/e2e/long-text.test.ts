/**
 * Long and hostile texts end to end (issue 15): a 10,000-character Facebook post edited in Slack keeps every
 * character but the one changed; drafts that escaping inflates still get a normal card, and the whole text is one
 * click away. Real app over HTTP, fake Slack enforcing Block Kit limits, real database.
 */
import { Post } from '../../models/post';
import { POST_ACTION_IDS, POST_CALLBACK_IDS, POST_INPUT_IDS } from '../../src/slack/ids';
import { FakeGraph } from '../fakes/graph';
import type { FakeSlack } from '../fakes/slack';
import { startApprovalsApp, stopApprovalsApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const AUTHOR = 'U0STAFF';
const CHANNEL = 'C0APPROVALS';

/** What Slack sends for typed text: &, < and > escaped. */
const slackEscaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('long texts survive editing; cards always fit', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let graph: FakeGraph;

  beforeAll(async () => {
    ({
      slack,
      t,
      target: graph,
    } = await startApprovalsApp(db(), new FakeGraph(), {
      channel: CHANNEL,
      approvers: 'U0BOSS',
    }));
  });
  afterAll(async () => {
    await stopApprovalsApp({ t, slack, target: graph });
  });

  async function schedule(text: string): Promise<string> {
    const { responses } = await t.command(`schedule to:facebook tomorrow 9am | ${slackEscaped(text)}`, {
      user: AUTHOR,
    });
    const reply = visibleText(responses[0]?.body);
    const id = /Post \*(P[A-Z0-9]{5})\*/.exec(reply)?.[1];
    if (!id) throw new Error(`no post id in: ${reply}`);
    return id;
  }

  const stored = async (id: string) => (await Post.findOne({ shortId: id }).lean())?.text;

  async function openedView(actionId: string, id: string) {
    const before = slack.callsOf('views.open').length;
    await t.action({ actionId, value: `${id}:1`, user: AUTHOR, channel: CHANNEL });
    await slack.waitForCall('views.open', () => slack.callsOf('views.open').length > before);
    return slack.callsOf('views.open')[before]?.args.view as {
      private_metadata?: string;
      blocks: Array<{ block_id?: string; element?: { initial_value?: string }; text?: { text: string } }>;
    };
  }

  test('a 10,000-character Facebook post edited in Slack keeps every character except the one changed', async () => {
    const lines = Array.from(
      { length: 200 },
      (_, i) =>
        `Line ${i}: our cardiology ward & <clinic> 😀 is open — details at the desk ${'.'.repeat(i % 7)}`,
    );
    let text = lines.join('\n');
    text = `${text.slice(0, 9_999)}.`;
    expect(text.length).toBe(10_000);
    const id = await schedule(text);
    expect(await stored(id)).toBe(text);

    const view = await openedView(POST_ACTION_IDS.edit, id);
    const parts = view.blocks.filter((b) => b.element);
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect((p.element?.initial_value ?? '').length).toBeLessThanOrEqual(3000);
    expect(visibleText({ blocks: view.blocks })).toContain('split into');

    // The editor changes one character in the third part and saves every part as Slack sends them.
    const values: Record<string, Record<string, unknown>> = {};
    parts.forEach((p, i) => {
      let v = p.element?.initial_value ?? '';
      if (i === 2) v = `${v.slice(0, 100)}#${v.slice(101)}`;
      values[p.block_id as string] = { [POST_INPUT_IDS.text]: { type: 'plain_text_input', value: v } };
    });
    const changedAt = text.indexOf((parts[2]?.element?.initial_value ?? '').slice(0, 50)) + 100;
    const saved = await t.viewSubmission({
      callbackId: POST_CALLBACK_IDS.edit,
      privateMetadata: view.private_metadata ?? '',
      user: AUTHOR,
      values,
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toBeUndefined();
    const after = await stored(id);
    const expected = `${text.slice(0, changedAt)}#${text.slice(changedAt + 1)}`;
    expect(after?.length).toBe(10_000);
    expect(after).toBe(expected);
  });

  test.each([
    // The card shows plain text (unescaped): these overflow its 3,000 characters.
    ['4,000 &', '&'.repeat(4000)],
    ['2,000 one-character lines', Array.from({ length: 2000 }, () => 'a').join('\n')],
    ['2,000 emoji', '😀'.repeat(2000)],
  ])('a draft of %s gets a normal card, and Show full text opens it whole', async (_name, text) => {
    const id = await schedule(text);
    expect(await stored(id)).toBe(text);
    const card = slack.channelMessages(CHANNEL).find((m) => !m.thread_ts && m.text.includes(`Post ${id} `));
    expect(card).toBeDefined();
    const actions = JSON.stringify(card?.blocks);
    expect(actions).toContain(POST_ACTION_IDS.approve);
    expect(actions).toContain(POST_ACTION_IDS.showFullText);

    const view = await openedView(POST_ACTION_IDS.showFullText, id);
    // (compared as a boolean: a failing diff of 2,000 emoji is unreadable)
    expect(view.blocks.map((b) => b.text?.text ?? '').join('') === text).toBe(true);
  });
});
