/** `/smx queue`: posts that still need something, one line each. Pure. */
import type { KnownBlock } from '@slack/types';
import { targets as allTargets } from '../../adapters/targets';
import type { PostView } from '../../services/post-view';
import { fitText } from '../text';
import { formatLocal } from '../time';
import type { SlackMessage } from './help';
import { mrkdwnSections } from './sections';

const STATUS_LABEL: Record<string, string> = {
  pending_approval: ':hourglass: waiting for approval',
  approved: ':white_check_mark: approved, scheduled',
  publishing: ':arrows_counterclockwise: publishing',
  failed: ':warning: failed — Retry on its card',
  needs_check: ':mag: needs a check — see its card',
};

function label(name: string): string {
  return allTargets.find((t) => t.name === name)?.label ?? name;
}

export function queueLine(p: PostView, timezone: string): string {
  const when = p.publishNow ? 'as soon as approved' : formatLocal(p.scheduledAt, timezone);
  return `*${p.shortId}* · ${when} · ${p.targets.map(label).join(' + ')} · ${STATUS_LABEL[p.status] ?? p.status}\n      ${fitText(p.text.replace(/\s+/g, ' '), 90)}`;
}

export function queueMessage(posts: PostView[], timezone: string): SlackMessage {
  if (posts.length === 0) {
    const text =
      'The queue is empty: nothing waits for approval or publishing. Draft one with `/smx schedule`.';
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Post queue (${posts.length})` } },
  ];
  blocks.push(...mrkdwnSections(posts.map((p) => queueLine(p, timezone))));
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: '`/smx cancel <id>` · `/smx reschedule <id> <when>` · `/smx audit <id>`' },
    ],
  });
  return {
    text: `Post queue: ${posts.map((p) => `${p.shortId} (${(STATUS_LABEL[p.status] ?? p.status.replace(/_/g, ' ')).replace(/^:[a-z_]+: /, '')})`).join(', ')}`,
    blocks: blocks.slice(0, 48),
  };
}
