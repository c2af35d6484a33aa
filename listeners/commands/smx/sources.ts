import { sourcesReport } from '../../../src/services/sources-report';
import { sourcesMessage } from '../../../src/slack/blocks/sources';
import type { Subcommand } from './types';

export const sources: Subcommand = {
  name: 'sources',
  summary: 'Show each review source: on or off, last success, last error and items stored.',
  example: '/smx sources',
  async run({ ctx, respond }) {
    const rows = await sourcesReport(ctx);
    await respond({ response_type: 'ephemeral', ...sourcesMessage(rows, ctx.config.timezone) });
  },
};
