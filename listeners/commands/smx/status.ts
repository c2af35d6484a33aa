import { openDeliveryFailures } from '../../../src/services/delivery-alerts';
import { type HealthReport, healthLines } from '../../../src/services/health';
import { givenUpNotifications } from '../../../src/services/slack-outbox';
import { givenUpLines } from '../../../src/slack/blocks/status';
import { formatLocal } from '../../../src/slack/time';
import type { Subcommand } from './types';

export const status: Subcommand = {
  name: 'status',
  summary:
    'Check that smx is healthy: database, Slack connection, time zone, what is connected, a digest or report that could not be posted, and Slack notifications smx gave up on.',
  example: '/smx status',
  async run({ ctx, respond }) {
    const report: HealthReport = ctx.health
      ? await ctx.health.report(ctx.db)
      : { ok: true, db: (await ctx.db.ping()) ? 'up' : 'down', slack: 'ok', failing: [] };
    const { config } = ctx;
    const on = (v: unknown) => (v ? 'connected' : 'not set up');
    const lines = [
      ...healthLines(report, ctx.db.kind),
      `:clock9: Time zone: ${config.timezone} — it is ${formatLocal(ctx.now(), config.timezone)}`,
      `:bird: X: ${on(config.twitter)} · :blue_book: Facebook Page: ${on(config.facebook)} · :star: Google reviews: ${on(config.google)}`,
    ];
    if (report.db === 'up') {
      lines.push(...(await openDeliveryFailures(ctx)));
      lines.push(...givenUpLines(await givenUpNotifications(), config.timezone, ctx.now()));
    }
    await respond({ response_type: 'ephemeral', text: lines.join('\n') });
  },
};
