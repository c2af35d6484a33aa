import { openDeliveryFailures } from '../../../src/services/delivery-alerts';
import { formatLocal } from '../../../src/slack/time';
import type { Subcommand } from './types';

const DB_LABEL = {
  mongodb: 'MongoDB',
  'mongodb-memory-server': 'embedded MongoDB',
  ferretdb: 'embedded FerretDB (SQLite)',
} as const;

export const status: Subcommand = {
  name: 'status',
  summary:
    'Check that smx is healthy: database, time zone, what is connected, and a digest or report that could not be posted.',
  example: '/smx status',
  async run({ ctx, respond }) {
    const up = await ctx.db.ping();
    const { config } = ctx;
    const on = (v: unknown) => (v ? 'connected' : 'not set up');
    const lines = [
      up
        ? `:large_green_circle: Database: up (${DB_LABEL[ctx.db.kind]})`
        : ":red_circle: Database: down — smx can't reach its database right now; nothing can be changed until it is back. It reconnects by itself.",
      `:clock9: Time zone: ${config.timezone} — it is ${formatLocal(ctx.now(), config.timezone)}`,
      `:bird: X: ${on(config.twitter)} · :blue_book: Facebook Page: ${on(config.facebook)} · :star: Google reviews: ${on(config.google)}`,
    ];
    if (up) lines.push(...(await openDeliveryFailures(ctx)));
    await respond({ response_type: 'ephemeral', text: lines.join('\n') });
  },
};
