/** Pure builders for feedback campaigns: `/smx campaigns`, `/smx campaign <id>`, and their section in metrics. */
import type { KnownBlock } from '@slack/types';
import type { CampaignResults } from '../../services/campaign-results';
import type { CampaignState, CampaignView } from '../../services/campaigns';
import { dayLabel } from '../../services/campaigns';
import { escapeMrkdwn, quoteOutside } from '../text';
import type { SlackMessage } from './help';
import { fmt0, fmt1, pct, progressBar, stars } from './metrics';
import { mrkdwnSections } from './sections';

const STATE_LABEL: Record<CampaignState, string> = {
  upcoming: ':hourglass_flowing_sand: not started',
  open: ':large_green_circle: open',
  ended: ':black_circle: ended',
  over: ':black_circle: closed',
};

function windowLabel(c: CampaignView): string {
  return `${dayLabel(c.fromDay)} – ${dayLabel(c.toDay)}`;
}

export function campaignTitle(c: CampaignView): string {
  const where = c.facility ? quoteOutside(c.facility, 80) : 'whole hospital';
  return `*${quoteOutside(c.name, 80)}* (${c.shortId}) · ${where} · ${windowLabel(c)}`;
}

/** The figures of one campaign, a few lines of mrkdwn. */
export function campaignResultLines(r: CampaignResults): string[] {
  const lines = [`${campaignTitle(r.campaign)} · ${STATE_LABEL[r.state]}`];
  if (r.responses === 0) {
    lines.push('No responses yet.');
  } else {
    const avg =
      r.avgRating === null ? 'no ratings' : `average ${stars(r.avgRating)} *${fmt1(r.avgRating)}* of 5`;
    const neg =
      r.shareNegative === null ? '' : ` · :red_circle: negative *${pct(r.shareNegative)}* (${r.negatives})`;
    lines.push(`*${r.responses}* response${r.responses === 1 ? '' : 's'} · ${avg}${neg}`);
  }
  const goal = r.campaign.goalPercent;
  if (!r.rate.available) {
    lines.push(`Response rate: not available — ${escapeMrkdwn(r.rate.reason)} · goal ${fmt1(goal)} %`);
  } else {
    const ofGoal = r.rate.rate / goal;
    const span = r.counted ? `${dayLabel(r.counted.fromDay)} – ${dayLabel(r.counted.toDay)}` : '';
    const prorated = r.rate.prorated ? ', monthly visits prorated by day' : '';
    lines.push(
      `Response rate: *${fmt1(r.rate.rate)} %* (${r.responses} of ${fmt0(r.rate.visits)} visits${
        r.campaign.facility ? ` at ${quoteOutside(r.campaign.facility, 80)}` : ''
      }, ${span}${prorated})`,
    );
    lines.push(
      `${progressBar(ofGoal)} ${fmt0(ofGoal * 100)} % of the ${fmt1(goal)} % goal${ofGoal >= 1 ? ' :white_check_mark:' : ''}`,
    );
  }
  return lines;
}

export interface CampaignLinks {
  /** The page's public URL, or undefined when SMX_PUBLIC_URL is unset. */
  url(c: CampaignView): string | undefined;
}

function linkLine(c: CampaignView, links: CampaignLinks): string {
  const url = links.url(c);
  return url
    ? `Page: ${url}`
    : `Page: \`/f/${c.slug}\` — set SMX_PUBLIC_URL so smx can give its full link and QR code`;
}

/** `/smx campaign <id>`. */
export function campaignMessage(r: CampaignResults, links: CampaignLinks): SlackMessage {
  const c = r.campaign;
  const lines = campaignResultLines(r);
  const by = `Created by <@${c.createdBy}>${c.endedBy ? ` · ended by <@${c.endedBy}>` : ''}${
    c.language ? ` · page in English and ${c.language}` : ''
  }`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${lines.join('\n')}\n${linkLine(c, links)}` } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${by} · \`/smx campaign qr ${c.shortId}\` prints its QR code · \`/smx campaign post ${c.shortId}\` asks on social media`,
        },
      ],
    },
  ];
  const rate = r.rate.available ? `, response rate ${fmt1(r.rate.rate)} %` : '';
  return {
    text: `Campaign ${c.shortId} “${quoteOutside(c.name, 80)}”: ${r.responses} response${r.responses === 1 ? '' : 's'}${rate}.`,
    blocks,
  };
}

/** `/smx campaigns`. */
/** `example`: the `/smx campaign new` example, dates in the hospital's order (campaignNewExample). */
export function campaignListMessage(
  results: readonly CampaignResults[],
  links: CampaignLinks,
  example: string,
): SlackMessage {
  if (results.length === 0) {
    return {
      text: 'No feedback campaigns yet.',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `No feedback campaigns yet. An approver starts one with \`${example}\`.`,
          },
        },
      ],
    };
  }
  const entries = results.map((r) => `${campaignResultLines(r).join('\n')}\n${linkLine(r.campaign, links)}`);
  return {
    text: `${results.length} feedback campaign${results.length === 1 ? '' : 's'}.`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Feedback campaigns' } },
      // A blank line between campaigns.
      ...mrkdwnSections(entries.map((e, i) => (i === 0 ? e : `\n${e}`))),
    ],
  };
}

/** The campaigns section of `/smx metrics` and the weekly report; no blocks when no campaign ran in the period. */
export function campaignMetricsBlocks(results: readonly CampaignResults[]): KnownBlock[] {
  if (results.length === 0) return [];
  return mrkdwnSections([
    '*Feedback campaigns* in this period',
    ...results.map((r, i) => `${i === 0 ? '' : '\n'}${campaignResultLines(r).join('\n')}`),
  ]);
}

/** A metrics message with the campaigns section added before its closing context line. */
export function withCampaignSection(
  message: SlackMessage,
  results: readonly CampaignResults[],
): SlackMessage {
  const section = campaignMetricsBlocks(results);
  if (section.length === 0) return message;
  const blocks = [...message.blocks];
  const last = blocks[blocks.length - 1];
  const tail = last?.type === 'context' ? [blocks.pop() as KnownBlock] : [];
  const count = `${results.length} feedback campaign${results.length === 1 ? '' : 's'}`;
  return { text: `${message.text} ${count}.`, blocks: [...blocks, ...section, ...tail] };
}
