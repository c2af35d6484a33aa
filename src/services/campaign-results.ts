/**
 * A campaign's results: responses, average rating, share negative, and the response rate against the patient visits
 * of its facility in the part of its window that has passed (visits are recorded per month, so a partly covered
 * month counts by its share of days, and the figure says so). Read from the small campaign-responses collection —
 * never the review archive — with one accumulator per $group (FerretDB computes only the first).
 */
import { DateTime } from 'luxon';
import { CampaignResponse } from '../../models/campaign-response';
import type { SmxContext } from '../context';
import { localDay } from '../slack/time';
import { type CampaignState, type CampaignView, campaignState, campaignsOverlapping } from './campaigns';
import { monthShares, visitsByMonth } from './metrics';

export type RateFigure =
  | { available: true; visits: number; rate: number; prorated: boolean }
  | { available: false; reason: string };

export interface CampaignResults {
  campaign: CampaignView;
  state: CampaignState;
  responses: number;
  rated: number;
  avgRating: number | null;
  negatives: number;
  shareNegative: number | null;
  /** The days counted so far: from the start to today, the end or the day it was ended, whichever is first. */
  counted: { fromDay: string; toDay: string } | null;
  rate: RateFigure;
}

export const RATE_UNAVAILABLE = {
  upcoming: (fromDay: string) => `the campaign starts on ${fromDay}`,
  noVisits: (months: string[], where: string) =>
    `no visits recorded for ${months.join(', ')}${where} — add them with \`/smx visits 1200 ${months[0]}${where ? ` ${where.replace(/^ at /, '')}` : ''}\``,
} as const;

interface Group {
  _id: { c: string; rating: number | null; sentiment: string };
  n: number;
}

/** Results for several campaigns: one aggregate over their responses, one visits read per facility. */
export async function campaignResults(
  ctx: SmxContext,
  campaigns: readonly CampaignView[],
): Promise<CampaignResults[]> {
  if (campaigns.length === 0) return [];
  const today = localDay(ctx.now(), ctx.config.timezone);
  const groups = await CampaignResponse.aggregate<Group>([
    { $match: { campaignId: { $in: campaigns.map((c) => c.shortId) } } },
    { $group: { _id: { c: '$campaignId', rating: '$rating', sentiment: '$sentiment' }, n: { $sum: 1 } } },
  ]).exec();

  const windows = campaigns.map((c) => countedWindow(c, today, ctx.config.timezone));
  const byFacility = new Map<string, Set<string>>();
  campaigns.forEach((c, i) => {
    const w = windows[i];
    if (!w) return;
    const key = c.facility ?? '';
    const months = byFacility.get(key) ?? new Set<string>();
    for (const m of monthShares(w.fromDay, w.toDay)) months.add(m.month);
    byFacility.set(key, months);
  });
  const visits = new Map<string, Map<string, number>>();
  await Promise.all(
    [...byFacility].map(async ([fac, months]) => {
      visits.set(fac, await visitsByMonth([...months], fac === '' ? undefined : fac));
    }),
  );

  return campaigns.map((c, i) => {
    let responses = 0;
    let rated = 0;
    let ratingSum = 0;
    let negatives = 0;
    for (const g of groups) {
      if (g._id.c !== c.shortId) continue;
      responses += g.n;
      if (g._id.sentiment === 'negative') negatives += g.n;
      if (typeof g._id.rating === 'number' && g._id.rating >= 1) {
        rated += g.n;
        ratingSum += g._id.rating * g.n;
      }
    }
    const counted = windows[i] ?? null;
    return {
      campaign: c,
      state: campaignState(c, today),
      responses,
      rated,
      avgRating: rated === 0 ? null : ratingSum / rated,
      negatives,
      shareNegative: responses === 0 ? null : negatives / responses,
      counted,
      rate: rateFigure(c, counted, responses, visits.get(c.facility ?? '') ?? new Map()),
    };
  });
}

function countedWindow(
  c: CampaignView,
  today: string,
  timezone: string,
): { fromDay: string; toDay: string } | null {
  let end = c.toDay < today ? c.toDay : today;
  if (c.endedAt) {
    const endedDay = localDay(c.endedAt, timezone);
    if (endedDay < end) end = endedDay;
  }
  if (end < c.fromDay) return null;
  return { fromDay: c.fromDay, toDay: end };
}

function rateFigure(
  c: CampaignView,
  counted: { fromDay: string; toDay: string } | null,
  responses: number,
  visits: Map<string, number>,
): RateFigure {
  if (!counted) {
    const label = DateTime.fromISO(c.fromDay).setLocale('en-GB').toFormat('d LLL');
    return { available: false, reason: RATE_UNAVAILABLE.upcoming(label) };
  }
  const shares = monthShares(counted.fromDay, counted.toDay);
  const missing = shares.filter((s) => !visits.has(s.month)).map((s) => s.month);
  const where = c.facility ? ` at ${c.facility}` : '';
  if (missing.length > 0) return { available: false, reason: RATE_UNAVAILABLE.noVisits(missing, where) };
  const total = shares.reduce((sum, s) => sum + (visits.get(s.month) ?? 0) * s.share, 0);
  if (total <= 0) {
    return {
      available: false,
      reason: RATE_UNAVAILABLE.noVisits(
        shares.map((s) => s.month),
        where,
      ),
    };
  }
  return {
    available: true,
    visits: total,
    rate: (responses / total) * 100,
    prorated: shares.some((s) => s.share < 1),
  };
}

/**
 * The campaigns that ran during [fromDay, toDay] (of one facility, when given), with their results: the campaigns
 * section of `/smx metrics` and the weekly report.
 */
export async function campaignsInPeriod(
  ctx: SmxContext,
  fromDay: string,
  toDay: string,
  facility?: string,
): Promise<CampaignResults[]> {
  const all = await campaignsOverlapping(fromDay, toDay);
  const wanted =
    facility === undefined ? all : all.filter((c) => c.facility?.toLowerCase() === facility.toLowerCase());
  return campaignResults(ctx, wanted);
}
