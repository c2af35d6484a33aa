/**
 * The questions smx asks instead of publishing silently: a late approval (the post's time has passed) and an
 * approved post that is too far overdue (SMX_STALE_AFTER). Pure builders.
 */
import type { PostView } from '../../services/post-view';
import { POST_ACTION_IDS, POST_BLOCK_IDS } from '../ids';
import type { SlackMessage } from './help';

function choice(text: string, actionId: string, label: string, value: string): SlackMessage {
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: POST_BLOCK_IDS.choices,
        elements: [
          {
            type: 'button',
            action_id: actionId,
            text: { type: 'plain_text', text: label },
            style: 'primary',
            value,
          },
        ],
      },
    ],
  };
}

/** Ephemeral answer to Approve on a post whose time has passed: approve-and-publish-now, or reschedule first. */
export function lateApprovalMessage(p: PostView, text: string): SlackMessage {
  return choice(text, POST_ACTION_IDS.approveNow, 'Approve and publish now', `${p.shortId}:${p.revision}`);
}

/** Thread reply and DM about an approved post too far overdue to go out by itself. */
export function staleMessage(p: PostView, text: string): SlackMessage {
  return choice(text, POST_ACTION_IDS.publishNow, 'Publish now', `${p.shortId}:${p.revision}`);
}
