import type { PostView } from '../../../../src/services/post-view';
import { approvalCard, publishResultMessage } from '../../../../src/slack/blocks/approval-card';
import { messageProblems } from '../../../fakes/block-kit';
import { visibleText } from '../../../support/app';

const base: PostView = {
  id: '0123456789abcdef01234567',
  shortId: 'P7K2Q',
  text: 'Free flu shots <!channel> & <https://evil.example|click> #FluSeason',
  targets: ['x', 'facebook'],
  scheduledAt: new Date('2026-12-01T03:30:00.000Z'),
  publishNow: false,
  status: 'pending_approval',
  authorId: 'U0STAFF',
  submittedAt: new Date('2026-11-24T04:30:00.000Z'),
  approvedBy: null,
  approvedAt: null,
  rejectedBy: null,
  rejectedAt: null,
  rejectReason: null,
  cancelledBy: null,
  cancelledAt: null,
  cardChannel: 'C1',
  cardTs: '1.1',
  results: {},
  publishedAt: null,
  cannedId: null,
  kind: 'post',
  details: null,
  previews: [],
  revision: 1,
  textBy: 'U0STAFF',
  version: 1,
  checks: { errors: [], warnings: ['Missing required tag: add #CityHospital'], passed: ['X length 70/280'] },
  originChannel: null,
};
const opts = { timezone: 'Asia/Kolkata', labels: { x: 'X', facebook: 'Facebook' } };

describe('approval card', () => {
  test('shows the text as the platform prints it, targets, local time, author, checks and the three buttons', () => {
    const msg = approvalCard(base, opts);
    const text = visibleText(msg as unknown as Record<string, unknown>);
    // The post text is plain text (never parsed: no ping, no link, no bold); the fallback is escaped mrkdwn.
    expect(msg.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'plain_text', text: base.text, emoji: false },
    });
    expect(msg.text).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    const mrkdwn = JSON.stringify(msg.blocks.filter((_, i) => i !== 1));
    expect(mrkdwn).not.toContain('<!channel>');
    expect(text).toContain('X, Facebook');
    expect(text).toContain('Tue 1 Dec, 09:00 IST');
    expect(text).toContain('<!date^1796095800^');
    expect(text).toContain('<@U0STAFF>');
    expect(text).toContain(':warning: Missing required tag: add #CityHospital');
    expect(JSON.stringify(msg.blocks)).toContain('"value":"P7K2Q:1"');
    expect(messageProblems(msg as unknown as Record<string, unknown>)).toEqual([]);
  });

  test('after a decision the buttons give way to who and when', () => {
    const msg = approvalCard(
      {
        ...base,
        status: 'rejected',
        rejectedBy: 'U0BOSS',
        rejectedAt: base.submittedAt,
        rejectReason: 'No <b>',
      },
      opts,
    );
    const text = visibleText(msg as unknown as Record<string, unknown>);
    expect(text).toContain('Rejected by <@U0BOSS> · Tue 10:00 IST — “No &lt;b&gt;”');
    expect(JSON.stringify(msg.blocks)).not.toContain('"type":"actions"');
  });

  test('a post that fails a hard check has no Approve button', () => {
    const msg = approvalCard(
      { ...base, checks: { errors: ['Too long for X'], warnings: [], passed: [] } },
      opts,
    );
    expect(JSON.stringify(msg.blocks)).not.toContain('approve_post');
    expect(JSON.stringify(msg.blocks)).toContain('reject_post');
  });

  test('a 20,000-character Facebook text still fits Block Kit', () => {
    const msg = approvalCard({ ...base, text: 'long '.repeat(4000) }, opts);
    expect(messageProblems(msg as unknown as Record<string, unknown>)).toEqual([]);
  });

  test('thread replies: link on success, Retry on failure, both buttons on unknown outcome', () => {
    expect(
      publishResultMessage(base, 'x', 'X', { status: 'published', url: 'https://x.com/i/web/status/1' }).text,
    ).toContain('https://x.com/i/web/status/1');
    expect(
      JSON.stringify(publishResultMessage(base, 'x', 'X', { status: 'failed', error: '403' }).blocks),
    ).toContain('"value":"P7K2Q:x"');
    const unknown = JSON.stringify(publishResultMessage(base, 'x', 'X', { status: 'needs_check' }).blocks);
    expect(unknown).toContain('mark_published');
    expect(unknown).toContain('retry_publish');
  });
});
