/** The approval card in SMX_APPROVALS_CHANNEL and the thread replies about publishing. Pure: data in, blocks out. */
import type { Button, KnownBlock } from '@slack/types';
import { handTarget, postKind } from '../../services/post-kinds';
import type { PostView } from '../../services/post-view';
import { POST_ACTION_IDS, POST_BLOCK_IDS, REPLY_ACTION_IDS } from '../ids';
import { escapeMrkdwn, fitShown, fitText, linkOutside, truncate } from '../text';
import { formatLocal, formatShort, slackDate } from '../time';
import type { SlackMessage } from './help';
import { SECTION_TEXT_LIMIT } from './sections';

export interface CardOptions {
  timezone: string;
  /** Display labels per target name ("x" → "X"). */
  labels: Record<string, string>;
  /** For a reply: the review it answers (text already masked for the channel). */
  review?: { source: string; rating: number | null; excerpt: string; url: string | null };
}

function phiLines(p: PostView): string {
  const phi = p.phi;
  if (!phi || phi.findings.length === 0) return ':white_check_mark: No patient details found';
  const lines = phi.findings.map((f) => `:no_entry: “${escapeMrkdwn(f.match)}” — ${escapeMrkdwn(f.why)}`);
  if (phi.overriddenBy) {
    lines.push(
      `:warning: Overridden by <@${phi.overriddenBy}>${phi.overrideReason ? ` — “${fitText(phi.overrideReason, 300)}”` : ''}`,
    );
  }
  return truncate(lines.join('\n'), SECTION_TEXT_LIMIT - 20);
}

const phiBlocked = (p: PostView) => (p.phi?.findings.length ?? 0) > 0 && !p.phi?.overriddenBy;
const isCopyReply = (p: PostView) => handTarget(p) !== undefined;

/** "Tue 09:12 IST": the short local time on decision lines. */
export function shortLocal(date: Date, timezone: string): string {
  return formatShort(date, timezone);
}

function label(name: string, o: CardOptions): string {
  return o.labels[name] ?? name;
}

/**
 * The post text exactly as X and Facebook will print it — plain text, not mrkdwn, so `*free*` keeps the asterisks X
 * shows instead of turning bold, and `<!channel>` is just text — measured as Slack measures it; `cut` when only the
 * start fits — the card then offers *Show full text*.
 */
export function platformText(text: string): { text: string; cut: boolean } {
  return fitShown(text, SECTION_TEXT_LIMIT, (t) => t);
}

function whenLine(p: PostView, o: CardOptions): string {
  if (isCopyReply(p)) return 'copied by a person after approval';
  if (p.publishNow) return 'as soon as it is approved';
  return `${formatLocal(p.scheduledAt, o.timezone)} (${slackDate(p.scheduledAt, o.timezone)} your time)`;
}

function checkLines(p: PostView): string {
  const lines = [
    ...p.checks.errors.map((e) => `:no_entry: ${escapeMrkdwn(e)}`),
    ...p.checks.warnings.map((w) => `:warning: ${escapeMrkdwn(w)}`),
    ...p.checks.passed.map((ok) => `:white_check_mark: ${escapeMrkdwn(ok)}`),
  ];
  return lines.length > 0
    ? truncate(lines.join('\n'), SECTION_TEXT_LIMIT - 20)
    : ':white_check_mark: No checks apply';
}

function statusLine(p: PostView, o: CardOptions): string | undefined {
  const tz = o.timezone;
  switch (p.status) {
    case 'approved':
      return p.approvedBy && p.approvedAt
        ? `:white_check_mark: Approved by <@${p.approvedBy}> · ${shortLocal(p.approvedAt, tz)}`
        : ':white_check_mark: Approved';
    case 'rejected':
      return `:x: Rejected by <@${p.rejectedBy ?? 'unknown'}>${p.rejectedAt ? ` · ${shortLocal(p.rejectedAt, tz)}` : ''}${
        p.rejectReason ? ` — “${fitText(p.rejectReason, 500)}”` : ''
      }`;
    case 'cancelled':
      return `:no_entry_sign: Cancelled by <@${p.cancelledBy ?? 'unknown'}>${p.cancelledAt ? ` · ${shortLocal(p.cancelledAt, tz)}` : ''}`;
    case 'publishing':
      return ':hourglass_flowing_sand: Publishing…';
    case 'published':
      return `:tada: ${postKind(p.kind).doneWord}${p.publishedAt ? ` · ${shortLocal(p.publishedAt, tz)}` : ''}`;
    case 'failed':
      return ':warning: Publishing failed — see the thread; *Retry* once the cause is fixed.';
    case 'needs_check':
      return ':mag: Outcome unknown — check the account, then press *Mark as published* or *Retry*.';
    default:
      return undefined;
  }
}

function resultLines(p: PostView, o: CardOptions): string[] {
  const out: string[] = [];
  for (const t of p.targets) {
    const r = p.results[t];
    if (!r) continue;
    if (r.status === 'published') {
      out.push(
        r.url
          ? `:link: ${label(t, o)}: <${r.url}|view the post>`
          : r.externalId?.startsWith('manual:')
            ? `:link: ${label(t, o)}: marked as ${postKind(p.kind).doneWord.toLowerCase()} by <@${r.externalId.slice('manual:'.length)}>`
            : `:link: ${label(t, o)}: published`,
      );
    } else if (r.status === 'failed') {
      out.push(`:warning: ${label(t, o)}: failed — ${fitText(r.error ?? 'no detail', 300)}`);
    } else {
      out.push(`:mag: ${label(t, o)}: outcome unknown — ${fitText(r.error ?? '', 300)}`);
    }
  }
  return out;
}

function previewLines(p: PostView): string | undefined {
  if (!p.previews || p.previews.length === 0) return undefined;
  const name = { youtube: 'YouTube video', flickr: 'Flickr photo' } as const;
  return p.previews
    .map((v) =>
      v.title
        ? `:link: ${name[v.service]}: ${linkOutside(v.url, v.title)}`
        : `:grey_question: ${name[v.service]} ${escapeMrkdwn(truncate(v.url, 200))}: ${escapeMrkdwn(v.note ?? 'not looked up')}`,
    )
    .join('\n');
}

export function approvalCard(p: PostView, o: CardOptions): SlackMessage {
  const targets = p.targets.map((t) => label(t, o)).join(', ');
  const shown = platformText(p.text);
  const kind = postKind(p.kind);
  const noun = kind.noun;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `${noun} ${p.shortId} — ${targetsTitle(p, o)}` } },
    ...[kind.cardIntro?.(p, o)]
      .filter((t): t is string => t !== undefined)
      .map((t): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: t } })),
    ...(kind.showsText
      ? [{ type: 'section', text: { type: 'plain_text', text: shown.text, emoji: false } } as KnownBlock]
      : []),
    ...[previewLines(p)]
      .filter((t): t is string => t !== undefined)
      .map((t): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: t }] })),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*To*\n${targets}` },
        { type: 'mrkdwn', text: `*When*\n${whenLine(p, o)}` },
        { type: 'mrkdwn', text: `*Author*\n<@${p.authorId}>` },
        { type: 'mrkdwn', text: `*Revision*\n${p.revision}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Checks*\n${checkLines(p)}` } },
    { type: 'section', text: { type: 'mrkdwn', text: `*PHI guard*\n${phiLines(p)}` } },
  ];
  const status = statusLine(p, o);
  const results = resultLines(p, o);
  const contextText = [status, ...results].filter((x): x is string => Boolean(x)).join('\n');
  if (contextText !== '') blocks.push({ type: 'section', text: { type: 'mrkdwn', text: contextText } });
  if (isCopyReply(p) && p.status === 'approved') {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*Copy reply* — this site has no API: post the text below under the review${o.review?.url ? '' : ' (find it on the site)'}, then press *Mark as replied*.\n\`\`\`${p.text.replace(/```/g, "'''")}\`\`\``,
          SECTION_TEXT_LIMIT,
        ),
      },
    });
  }

  const value = `${p.shortId}:${p.revision}`;
  const buttons: Button[] = [];
  if (p.status === 'pending_approval') {
    if (p.checks.errors.length === 0 && !phiBlocked(p)) {
      buttons.push({
        type: 'button',
        action_id: POST_ACTION_IDS.approve,
        text: { type: 'plain_text', text: 'Approve' },
        style: 'primary',
        value,
      });
    }
    if (phiBlocked(p)) {
      buttons.push({
        type: 'button',
        action_id: REPLY_ACTION_IDS.overridePhi,
        text: { type: 'plain_text', text: 'Override PHI guard' },
        value,
      });
    }
    buttons.push({
      type: 'button',
      action_id: POST_ACTION_IDS.reject,
      text: { type: 'plain_text', text: 'Reject' },
      style: 'danger',
      value,
    });
  }
  if ((p.status === 'pending_approval' || p.status === 'approved') && kind.editable) {
    buttons.push({
      type: 'button',
      action_id: POST_ACTION_IDS.edit,
      text: { type: 'plain_text', text: 'Edit' },
      value,
    });
  }
  if (isCopyReply(p) && p.status === 'approved') {
    buttons.push({
      type: 'button',
      action_id: REPLY_ACTION_IDS.markReplied,
      text: { type: 'plain_text', text: 'Mark as replied' },
      style: 'primary',
      value: p.shortId,
    });
  }
  if (shown.cut) buttons.push(showFullTextButton(value));
  if (buttons.length > 0) {
    blocks.push({ type: 'actions', block_id: POST_BLOCK_IDS.actions, elements: buttons });
  }
  if (p.status === 'pending_approval' && p.checks.errors.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: 'Approval is blocked until the text passes the checks — use *Edit*.' },
      ],
    });
  } else if (p.status === 'pending_approval' && phiBlocked(p)) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Approval is blocked: the PHI guard found patient details (above). *Edit* them out, or an approver can *Override PHI guard* with a written reason.',
        },
      ],
    });
  }
  const fallbackStatus = status ? ` — ${status.replace(/^:[a-z_]+: /, '')}` : ' — waiting for approval';
  return {
    text: `${noun} ${p.shortId} to ${targets} by <@${p.authorId}>${fallbackStatus}: ${fitText(p.text, 200)}`,
    blocks,
  };
}

/** Opens the whole text in a modal (the card shows only what fits). Value = `<shortId>:<revision>`. */
export function showFullTextButton(value: string): Button {
  return {
    type: 'button',
    action_id: POST_ACTION_IDS.showFullText,
    text: { type: 'plain_text', text: 'Show full text' },
    value,
  };
}

/** One target published and another failed or unknown: the post is partly out. */
export function partlyPublished(p: PostView): boolean {
  const outcomes = p.targets.map((t) => p.results[t]?.status);
  return outcomes.includes('published') && outcomes.some((s) => s === 'failed' || s === 'needs_check');
}

function targetsTitle(p: PostView, o: CardOptions): string {
  const s =
    p.status === 'pending_approval'
      ? 'needs approval'
      : partlyPublished(p)
        ? 'partly published'
        : p.status.replace('_', ' ');
  return truncate(`${p.targets.map((t) => label(t, o)).join(' + ')} · ${s}`, 100);
}

/** Thread reply after a publish attempt on one target. */
export function publishResultMessage(
  p: PostView,
  target: string,
  targetLabel: string,
  outcome: { status: 'published' | 'failed' | 'needs_check'; url?: string | null; error?: string | null },
): SlackMessage {
  const value = `${p.shortId}:${target}`;
  if (outcome.status === 'published') {
    const text = outcome.url
      ? `:tada: Published ${p.shortId} on ${targetLabel}: <${outcome.url}|${outcome.url}>`
      : `:tada: Published ${p.shortId} on ${targetLabel}.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const retry: Button = {
    type: 'button',
    action_id: POST_ACTION_IDS.retryPublish,
    text: { type: 'plain_text', text: 'Retry' },
    value,
  };
  if (outcome.status === 'failed') {
    const text = `:warning: Publishing ${p.shortId} on ${targetLabel} failed: ${fitText(outcome.error ?? 'no detail', 1500)}. Nothing was posted there. Fix the cause, then press Retry.`;
    return {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        { type: 'actions', block_id: POST_BLOCK_IDS.actions, elements: [retry] },
      ],
    };
  }
  const text = `:mag: I don't know whether ${p.shortId} reached ${targetLabel}: ${fitText(outcome.error ?? 'the publisher stopped mid-call', 1500)}. I won't try again by myself, to avoid posting twice. Check the ${targetLabel} account: if the post is there press *Mark as published*, otherwise *Retry*.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: POST_BLOCK_IDS.actions,
        elements: [
          {
            type: 'button',
            action_id: POST_ACTION_IDS.markPublished,
            text: { type: 'plain_text', text: 'Mark as published' },
            style: 'primary',
            value,
          },
          retry,
        ],
      },
    ],
  };
}
