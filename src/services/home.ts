/** What the App Home shows one viewer: drafts they may approve, what goes out next, open negatives, goal progress. */
import type { WebClient } from '@slack/web-api';
import { ReviewDesk } from '../../models/review-desk';
import { enabledTargets } from '../adapters/targets';
import type { SmxContext } from '../context';
import type { DigestItem } from '../slack/blocks/digest';
import { isApprover } from './approvers';
import { openDeliveryFailures } from './delivery-alerts';
import { computeMetrics, type MetricsReport } from './metrics';
import { buildPlan, type PlanWeek } from './plan';
import { deskPosts } from './post-desk';
import { OPEN_STATUSES } from './review-desk';

export interface HomeDraft {
  shortId: string;
  text: string;
  targets: string[];
  scheduledAt: Date;
  authorId: string;
  revision: number;
}

export interface HomeData {
  viewer: string;
  /** The newest open negative reviews, drawn as review cards (optional: hand-built views in tests omit it). */
  openNegatives?: DigestItem[];
  showNames?: boolean;
  isApprover: boolean;
  /** Drafts waiting for approval that this viewer may decide (empty for non-approvers). */
  drafts: HomeDraft[];
  draftsWaiting: number;
  next: Array<{ shortId: string; text: string; targets: string[]; scheduledAt: Date }>;
  month: MetricsReport;
  /** Digests and reports that could not be posted (and have not been since), as ready lines. */
  deliveryFailures: string[];
  /** This week per connected target against the cadence goal; null when no target is connected. */
  week: PlanWeek | null;
  now: Date;
  timezone: string;
}

const MAX_DRAFTS = 10;
const MAX_NEXT = 5;
const MAX_NEGATIVES = 5;

export async function loadHome(ctx: SmxContext, client: WebClient, viewer: string): Promise<HomeData> {
  const now = ctx.now();
  const approver = await isApprover(ctx, client, viewer);
  const draftFilter: Record<string, unknown> = { status: 'pending_approval' };
  if (!ctx.config.posts.allowSelfApproval) draftFilter.authorId = { $ne: viewer };
  const [drafts, next, month, deliveryFailures, plan] = await Promise.all([
    approver
      ? deskPosts<HomeDraft>(now, draftFilter, {
          sort: { scheduledAt: 1 },
          limit: MAX_DRAFTS,
          select: { shortId: 1, text: 1, targets: 1, scheduledAt: 1, authorId: 1, revision: 1 },
        })
      : Promise.resolve([]),
    deskPosts<HomeData['next'][number]>(
      now,
      { status: 'approved', scheduledAt: { $gte: now } },
      {
        sort: { scheduledAt: 1 },
        limit: MAX_NEXT,
        select: { shortId: 1, text: 1, targets: 1, scheduledAt: 1 },
      },
    ),
    computeMetrics(ctx, 'this-month'),
    openDeliveryFailures(ctx),
    enabledTargets(ctx.config).length > 0 ? buildPlan(ctx, 1) : Promise.resolve(null),
  ]);
  // The review desk holds every open negative (models/review-desk.ts): the same list as the archive, without its scan.
  const negatives = ReviewDesk.find({ status: { $in: [...OPEN_STATUSES] }, sentiment: 'negative' })
    .sort({ ingestedAt: -1 })
    .limit(MAX_NEGATIVES);
  if (!ctx.config.digest.showNames) negatives.select({ authorName: 0 });
  const openNegatives = (await negatives.lean()) as unknown as DigestItem[];
  return {
    viewer,
    openNegatives,
    showNames: ctx.config.digest.showNames,
    isApprover: approver,
    drafts: drafts.map((d) => ({
      shortId: d.shortId,
      text: d.text,
      targets: d.targets,
      scheduledAt: d.scheduledAt,
      authorId: d.authorId,
      revision: d.revision ?? 1,
    })),
    draftsWaiting: month.approval.waiting,
    next: next.map((p) => ({
      shortId: p.shortId,
      text: p.text,
      targets: p.targets,
      scheduledAt: p.scheduledAt,
    })),
    month,
    deliveryFailures,
    week: plan?.weeks[0] ?? null,
    now,
    timezone: ctx.config.timezone,
  };
}
