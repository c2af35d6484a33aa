/**
 * `/smx campaign post <id> [to:x,facebook] [when]`: a "tell us how we did" draft with the campaign's link and the
 * required #tags, created through the normal approval flow (createPost: checks, approval card, four-eyes).
 */
import type { WebClient } from '@slack/web-api';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { localDay } from '../slack/time';
import { type CampaignView, campaignState, findCampaign, requireCampaignUrl } from './campaigns';
import type { PostView } from './post-view';
import { createPost, resolveTargets } from './posts';
import { loadGuideline } from './tags';
import { parseWhen } from './when';

export const CAMPAIGN_POST_MESSAGES = {
  closed: (id: string) =>
    `Campaign ${id} no longer takes answers, so there is nothing to ask for. Nothing was drafted.`,
} as const;

/** The post's text: where, the ask, the link, then the tags every post must carry. */
export function campaignPostText(
  campaign: CampaignView,
  url: string,
  hospitalName: string | undefined,
  requiredTags: readonly string[],
): string {
  const where = campaign.facility ?? hospitalName;
  const ask = where ? `Were you with us at ${where} recently?` : 'Were you with us recently?';
  const tags = requiredTags.map((t) => `#${t}`).join(' ');
  return `${ask} Tell us how we did — it takes a minute, no sign-up and no names: ${url}${tags ? ` ${tags}` : ''}`;
}

export async function draftCampaignPost(
  ctx: SmxContext,
  client: WebClient,
  id: string,
  rest: string,
  actor: string,
  originChannel: string,
): Promise<PostView> {
  const campaign = await findCampaign(id);
  const state = campaignState(campaign, localDay(ctx.now(), ctx.config.timezone));
  if (state === 'ended' || state === 'over') {
    throw new SmxError('CONFLICT', CAMPAIGN_POST_MESSAGES.closed(campaign.shortId));
  }
  const url = requireCampaignUrl(ctx.config, campaign);
  const to = /^to:\s*(\S+)\s*/i.exec(rest.trim());
  const targets = resolveTargets(
    ctx,
    to?.[1]?.split(',').filter((w) => w !== ''),
  );
  const whenText = (to ? rest.trim().slice(to[0].length) : rest).trim();
  const when = parseWhen(
    whenText === '' ? 'now' : whenText,
    ctx.now(),
    ctx.config.timezone,
    ctx.config.dateOrder,
  );
  const guideline = await loadGuideline();
  const text = campaignPostText(campaign, url, ctx.config.campaigns.hospitalName, guideline.required);
  return createPost(ctx, client, { authorId: actor, targets, when, text, originChannel });
}
