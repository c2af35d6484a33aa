/**
 * Posting metrics to a channel: the message first, then the charts (PNG, alt text stating the finding). The weekly
 * report claims `report:<channel>:<isoWeek>` by insert so several app instances post it exactly once.
 */
import type { WebClient } from '@slack/web-api';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { withCampaignSection } from '../slack/blocks/campaigns';
import type { SlackMessage } from '../slack/blocks/help';
import { metricsMessage } from '../slack/blocks/metrics';
import { localWeek } from '../slack/time';
import { uploadFiles } from '../slack/upload';
import { campaignsInPeriod } from './campaign-results';
import { type Chart, postsCadenceChart, ratingVolumeChart } from './charts';
import { noteClaim, releaseClaim, tryClaim } from './claims';
import { reportDeliveryFailure, reportDeliverySuccess } from './delivery-alerts';
import { computeMetrics, type WeeklySeries, weeklySeries } from './metrics';

export async function renderCharts(series: WeeklySeries): Promise<Chart[]> {
  return [await ratingVolumeChart(series), await postsCadenceChart(series)];
}

/** Posts the charts to a channel in one upload; each file carries its alt text. */
export async function uploadCharts(
  client: WebClient,
  channel: string,
  charts: Chart[],
  comment: string,
): Promise<void> {
  await uploadFiles(
    client,
    channel,
    charts.map((c) => ({ bytes: c.png, filename: c.filename, title: c.title, altText: c.altText })),
    comment,
  );
}

export const SHARE_REFUSED = (channel: string) =>
  `I can't post in <#${channel}> — invite me first (\`/invite @smx\`), or run \`/smx metrics\` without share. Nothing was shared.`;

/** Slack errors that mean "smx may not post in that channel" (not a failure of smx). */
export const CHANNEL_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
]);

export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** `/smx metrics … share`: the same figures in the channel, with the charts. */
export async function shareMetrics(
  ctx: SmxContext,
  client: WebClient,
  channel: string,
  message: SlackMessage,
  series: WeeklySeries,
  byline: string,
): Promise<void> {
  const charts = await renderCharts(series);
  try {
    await client.chat.postMessage({
      channel,
      text: message.text,
      blocks: [
        ...message.blocks,
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Shared ${byline}` }] },
      ],
    });
  } catch (err) {
    const code = slackErrorCode(err);
    if (code && CHANNEL_ERRORS.has(code))
      throw new SmxError('UPSTREAM', SHARE_REFUSED(channel), { cause: err });
    throw err;
  }
  await uploadCharts(client, channel, charts, charts.map((c) => c.altText).join('\n'));
  ctx.logger.info({ channel, event: 'metrics_shared' }, 'metrics shared');
}

export type ReportOutcome = 'posted' | 'already-posted' | 'no-channel';

/** The weekly report of last week's metrics to the digest channel, exactly once per channel and ISO week. */
export async function postWeeklyReport(ctx: SmxContext, client: WebClient): Promise<ReportOutcome> {
  const channel = ctx.config.digest.channel;
  const log = ctx.logger.child({ job: 'metrics-report' });
  if (!channel) {
    log.info('no SMX_DIGEST_CHANNEL: weekly report skipped');
    return 'no-channel';
  }
  const report = await computeMetrics(ctx, 'last-week');
  const week = localWeek(report.periods.current.start, ctx.config.timezone);
  const key = `report:${channel}:${week}`;
  if (!(await tryClaim(key, ctx.instanceId, ctx.now()))) {
    log.info({ key }, 'weekly report already claimed');
    return 'already-posted';
  }
  let posted = false;
  try {
    const series = await weeklySeries(ctx, report.periods.current.toDay, 8);
    const charts = await renderCharts(series);
    const { fromDay, toDay } = report.periods.current;
    const message = withCampaignSection(
      metricsMessage(report, ctx.now(), `Weekly report ${week}`),
      await campaignsInPeriod(ctx, fromDay, toDay),
    );
    await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
    posted = true;
    await uploadCharts(client, channel, charts, charts.map((c) => c.altText).join('\n'));
    await noteClaim(key, ctx.instanceId, 'posted');
    await reportDeliverySuccess(ctx, 'report', channel);
    log.info({ key, queries: report.queries }, 'weekly report posted');
    return 'posted';
  } catch (err) {
    if (!posted) {
      // Nothing reached the channel: give the claim back so the next run (or another instance) can post it.
      await releaseClaim(key, ctx.instanceId);
      await reportDeliveryFailure(ctx, client, { kind: 'report', channel, key, error: err });
    } else {
      // The message is out; posting it again would duplicate it. Keep the claim and say what is missing.
      await noteClaim(key, ctx.instanceId, 'posted without charts').catch(() => undefined);
    }
    throw err;
  }
}
