import { campaignsInPeriod } from '../../../src/services/campaign-results';
import { computeMetrics, weeklySeries } from '../../../src/services/metrics';
import { parseMetricsCommand } from '../../../src/services/metrics-args';
import { shareMetrics } from '../../../src/services/report';
import { withCampaignSection } from '../../../src/slack/blocks/campaigns';
import { metricsMessage } from '../../../src/slack/blocks/metrics';
import type { Subcommand } from './types';

export const METRICS_SHARED = (channel: string) => `Shared the metrics in <#${channel}>.`;

export const metrics: Subcommand = {
  name: 'metrics',
  summary:
    'Are we on plan? Posts vs cadence, reviews, feedback rate, response times, audience (7d|30d|90d|this-month|last-month; add a facility; add share to post it here with charts).',
  example: '/smx metrics this-month share',
  async run({ ctx, args, command, respond, client }) {
    const parsed = await parseMetricsCommand(ctx.config, args);
    const report = await computeMetrics(ctx, parsed.period, parsed.facility);
    const { fromDay, toDay } = report.periods.current;
    const message = withCampaignSection(
      metricsMessage(report, ctx.now()),
      await campaignsInPeriod(ctx, fromDay, toDay, parsed.facility),
    );
    if (!parsed.share) {
      await respond({ response_type: 'ephemeral', ...message });
      return;
    }
    const series = await weeklySeries(ctx, report.periods.current.toDay, 8, parsed.facility);
    await shareMetrics(ctx, client, command.channel_id, message, series, `by <@${command.user_id}>`);
    await respond({ response_type: 'ephemeral', text: METRICS_SHARED(command.channel_id) });
  },
};
