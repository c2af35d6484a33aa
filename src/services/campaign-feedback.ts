/**
 * An answer from a campaign's feedback page becomes feedback like any other: stored through the review store (so it
 * reaches the digest inbox and counts toward the feedback rate), attributed to the campaign and its facility, plus
 * one row in the campaign's small responses collection for its results.
 *
 * Once only: the form carries a submission id minted when the page was served; the review's externalId is
 * `<campaign>:<submission id>`, so a double tap or a resent form stores nothing twice. The response row has the
 * review's `_id` and is inserted (E11000 = already counted) after the review: a crash in between is repaired by the
 * patient's resubmission, and never leaves a counted answer the team cannot read.
 */
import { CampaignResponse } from '../../models/campaign-response';
import type { SmxContext } from '../context';
import { localDay } from '../slack/time';
import type { CampaignView } from './campaigns';
import { isDuplicateKey } from './claims';
import { reviewIdFor, scoreSentiment, storeItems } from './review-store';

export const CAMPAIGN_SOURCE = 'feedback';

export interface PageAnswer {
  rating: number;
  text: string;
  /** Minted when the form was served (a UUID). */
  submissionId: string;
}

export async function recordCampaignFeedback(
  ctx: SmxContext,
  campaign: CampaignView,
  answer: PageAnswer,
): Promise<{ created: boolean }> {
  const now = ctx.now();
  const externalId = `${campaign.shortId}:${answer.submissionId}`;
  const counts = await storeItems(
    [
      {
        source: CAMPAIGN_SOURCE,
        externalId,
        facility: campaign.facility,
        rating: answer.rating,
        text: answer.text,
        postedAt: now,
        campaign: { id: campaign.shortId, name: campaign.name },
      },
    ],
    ctx,
  );
  try {
    await CampaignResponse.create({
      _id: reviewIdFor(CAMPAIGN_SOURCE, externalId),
      campaignId: campaign.shortId,
      rating: answer.rating,
      sentiment: scoreSentiment({ text: answer.text, rating: answer.rating }).sentiment,
      localDay: localDay(now, ctx.config.timezone),
      at: now,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  return { created: counts.created === 1 };
}
