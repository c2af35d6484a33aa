import { requireApprover } from '../../../src/services/approvers';
import { parseVisitsCommand, recordVisits } from '../../../src/services/visits';
import { escapeMrkdwn } from '../../../src/slack/text';
import type { Subcommand } from './types';

export const VISITS_RECORDED = (
  count: number,
  month: string,
  facility: string | undefined,
  previous: number | null,
) =>
  `Recorded ${count.toLocaleString('en-GB')} patient visits for ${month}${
    facility ? ` at ${escapeMrkdwn(facility)}` : ' (whole hospital)'
  }${previous === null ? '' : ` — replacing ${previous.toLocaleString('en-GB')}`}. The feedback rate in \`/smx metrics\` uses it now.`;

export const visits: Subcommand = {
  name: 'visits',
  summary:
    'Approvers record patient visits for a month (the feedback rate divides by them); optional facility.',
  example: '/smx visits 1200 2026-11',
  async run({ ctx, args, command, respond, client }) {
    await requireApprover(ctx, client, command.user_id, 'record patient visits');
    const input = await parseVisitsCommand(ctx.config, args, ctx.now());
    const { previous } = await recordVisits(input, command.user_id, ctx.now());
    ctx.logger.info({ event: 'visits_recorded', month: input.month, count: input.count }, 'visits recorded');
    await respond({
      response_type: 'ephemeral',
      text: VISITS_RECORDED(input.count, input.month, input.facility, previous),
    });
  },
};
