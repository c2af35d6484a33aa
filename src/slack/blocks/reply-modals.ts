/** Modals for replies: the draft (review, template picker, text) and the PHI override reason. Pure builders. */
import type { KnownBlock, View } from '@slack/types';
import type { ReplyModalData } from '../../services/replies';
import {
  REPLY_ACTION_IDS,
  REPLY_BLOCK_IDS,
  REPLY_CALLBACK_IDS,
  REPLY_INPUT_IDS,
  REPLY_TEXT_BLOCK_PREFIX,
} from '../ids';
import { escapeMrkdwn, truncate } from '../text';
import { sourceLabel, stars } from './digest';

const plain = (text: string) => ({ type: 'plain_text' as const, text: truncate(text, 75) });

export interface ReplyModalMetadata {
  reviewId: string;
  origin: string | null;
  /** Bumped when a template replaces the text (a new block id makes Slack show the new initial value). */
  n: number;
}

export function parseReplyMetadata(raw: string): ReplyModalMetadata | undefined {
  try {
    const v = JSON.parse(raw) as Partial<ReplyModalMetadata>;
    if (typeof v.reviewId !== 'string' || !/^[0-9a-f]{24}$/i.test(v.reviewId)) return undefined;
    const origin = typeof v.origin === 'string' && /^[0-9a-f]{1,40}$/.test(v.origin) ? v.origin : null;
    const n = typeof v.n === 'number' && Number.isInteger(v.n) && v.n >= 0 && v.n < 1000 ? v.n : 0;
    return { reviewId: v.reviewId, origin, n };
  } catch {
    return undefined;
  }
}

export const replyTextBlockId = (n: number) => `${REPLY_TEXT_BLOCK_PREFIX}${n}`;

/**
 * The reply modal. The review's full text is shown to the person answering (channels see it masked); the reviewer's
 * name only when SMX_DIGEST_SHOW_NAMES=true. Picking a template puts its text into the text field.
 */
export function replyModal(d: ReplyModalData, n = 0, text?: string, picked?: string): View {
  const r = d.review;
  const who = d.showNames && r.authorName ? ` · by ${escapeMrkdwn(truncate(r.authorName, 80))}` : '';
  const facility = r.facility ? ` · ${escapeMrkdwn(truncate(r.facility, 80))}` : '';
  const body =
    r.text.trim() === '' ? '_(no text)_' : `>${escapeMrkdwn(truncate(r.text, 2500)).replace(/\n/g, '\n>')}`;
  const options = d.templates.slice(0, 100).map((t) => ({ text: plain(t.name), value: t.name }));
  const initial = options.find((o) => o.value === picked);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${sourceLabel(r.source)}* ${stars(r.rating)}${facility}${who}\n${body}`,
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: d.manual
            ? `${sourceLabel(r.source)} can't be answered through an API: once approved, you copy the reply there and press *Mark as replied*.`
            : `Once approved, smx posts it on ${escapeMrkdwn(d.targetLabel)}, once. Never mention the visit, care, health or names — the PHI guard checks.`,
        },
      ],
    },
  ];
  if (options.length > 0) {
    blocks.push({
      type: 'input',
      block_id: REPLY_BLOCK_IDS.template,
      optional: true,
      dispatch_action: true,
      label: plain('Template'),
      element: {
        type: 'static_select',
        action_id: REPLY_ACTION_IDS.pickTemplate,
        placeholder: plain('Start from a template'),
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    });
  }
  blocks.push({
    type: 'input',
    block_id: replyTextBlockId(n),
    optional: true,
    label: plain('Reply'),
    hint: plain('Empty = the template as it is.'),
    element: {
      type: 'plain_text_input',
      action_id: REPLY_INPUT_IDS.text,
      multiline: true,
      max_length: 3000,
      ...(text ? { initial_value: truncate(text, 3000) } : {}),
    },
  });
  const metadata: ReplyModalMetadata = { reviewId: r.id, origin: d.originId, n };
  return {
    type: 'modal',
    callback_id: REPLY_CALLBACK_IDS.draft,
    private_metadata: JSON.stringify(metadata),
    title: plain('Draft a reply'),
    submit: plain('Send for approval'),
    close: plain('Cancel'),
    blocks,
  };
}

export function overridePhiModal(shortId: string, revision: number, findings: string[]): View {
  return {
    type: 'modal',
    callback_id: REPLY_CALLBACK_IDS.override,
    private_metadata: `${shortId}:${revision}`,
    title: plain(`Override PHI ${shortId}`),
    submit: plain('Override'),
    close: plain('Back'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(
            `The PHI guard found:\n${findings.map((f) => `• ${escapeMrkdwn(f)}`).join('\n')}`,
            2900,
          ),
        },
      },
      {
        type: 'input',
        block_id: REPLY_BLOCK_IDS.reason,
        label: plain('Why is it safe to publish? (audited)'),
        element: {
          type: 'plain_text_input',
          action_id: REPLY_INPUT_IDS.reason,
          multiline: true,
          max_length: 500,
        },
      },
    ],
  };
}
