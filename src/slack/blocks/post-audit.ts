/** `/smx audit <id>`: a post's story from the append-only audit log. Pure. */
import type { KnownBlock } from '@slack/types';
import type { PostView } from '../../services/post-view';
import { escapeMrkdwn, fitText } from '../text';
import { formatLocal } from '../time';
import type { SlackMessage } from './help';
import { mrkdwnSections } from './sections';

export interface AuditRow {
  entity?: string;
  entityId?: string;
  action: string;
  actor: string;
  at: Date;
  before?: unknown;
  after?: unknown;
}

function field(obj: unknown, key: string): unknown {
  return obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
}

export function describe(row: AuditRow): string {
  const who = row.actor === 'smx' ? 'smx' : `<@${row.actor}>`;
  const target = field(row.after, 'target') ?? field(row.before, 'target');
  const t = typeof target === 'string' ? target : '';
  switch (row.action) {
    case 'create':
      return `${who} drafted it`;
    case 'edit':
      return `${who} edited the text (revision ${String(field(row.after, 'revision') ?? '?')}; any approval cleared)`;
    case 'approve':
      return `${who} approved it`;
    case 'reject': {
      const reason = field(row.after, 'rejectReason');
      return `${who} rejected it${typeof reason === 'string' && reason ? `: “${fitText(reason, 200)}”` : ''}`;
    }
    case 'cancel':
      return `${who} cancelled it`;
    case 'reschedule':
      return `${who} rescheduled it`;
    case 'publish_attempt':
      return `${who} started publishing to ${t}`;
    case 'publish_result': {
      const status = field(row.after, 'status');
      const url = field(row.after, 'url');
      const error = field(row.after, 'error');
      if (status === 'published')
        return `${who} published it on ${t}${typeof url === 'string' ? ` — <${url}|link>` : ''}`;
      return `${who}: ${t} ${status === 'failed' ? 'failed' : 'outcome unknown'}${typeof error === 'string' ? ` — ${fitText(error, 200)}` : ''}`;
    }
    case 'retry':
      return `${who} asked to retry ${t}`;
    case 'mark_published':
      return `${who} marked ${t} as published after checking`;
    case 'mark_replied':
      return `${who} posted the copied reply and marked it replied`;
    case 'phi_override': {
      const reason = field(row.after, 'reason');
      return `${who} overrode the PHI guard${typeof reason === 'string' ? `: “${fitText(reason, 200)}”` : ''}`;
    }
    case 'reply_drafted':
      return `${who} drafted reply ${String(field(row.after, 'reply') ?? '')}`;
    case 'assigned':
      return `${who} assigned it to themselves`;
    case 'handled':
      return `${who} marked it handled`;
    case 'replied':
      return `the reply went out (by ${who})`;
    default:
      return `${who}: ${escapeMrkdwn(row.action)}`;
  }
}

export function auditMessage(post: PostView, rows: AuditRow[], timezone: string): SlackMessage {
  const lines = rows.map((r) => `• ${formatLocal(new Date(r.at), timezone)} — ${describe(r)}`);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `History of post ${post.shortId}` } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `>${fitText(post.text.replace(/\n/g, ' '), 300)}` },
    },
  ];
  blocks.push(...mrkdwnSections(lines.length > 0 ? lines : ['No history recorded.']));
  return {
    text: `History of post ${post.shortId} (now ${post.status.replace('_', ' ')}): ${rows.length} events`,
    blocks: blocks.slice(0, 49),
  };
}

/** `/smx audit <review id>`: the review's events and its replies' events, one timeline. */
export function reviewAuditMessage(
  review: { id: string; source: string; text: string; status: string },
  rows: AuditRow[],
  timezone: string,
): SlackMessage {
  const lines = rows.map((r) => {
    const onReply = r.entity === 'post' ? `reply ${r.entityId}: ` : '';
    return `• ${formatLocal(new Date(r.at), timezone)} — ${onReply}${describe(r)}`;
  });
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'History of a review' } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${escapeMrkdwn(review.source)} review \`${review.id}\` · now ${escapeMrkdwn(review.status)}`,
        },
      ],
    },
  ];
  blocks.push(...mrkdwnSections(lines.length > 0 ? lines : ['No history recorded.']));
  return {
    text: `History of review ${review.id} (now ${review.status}): ${rows.length} events`,
    blocks: blocks.slice(0, 49),
  };
}
