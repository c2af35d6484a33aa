import { parseReviewsArgs, reviewListAnswer } from '../../../src/slack/review-list';
import type { Subcommand } from './types';

export { parseReviewsArgs };

export const reviews: Subcommand = {
  name: 'reviews',
  summary:
    'List reviews and feedback (open, negative or all; optionally one facility; `page 2` …) with Assign/Handled buttons and Next 10.',
  example: '/smx reviews negative North Clinic',
  async run({ ctx, args, respond }) {
    const msg = await reviewListAnswer(ctx, parseReviewsArgs(args));
    await respond({ response_type: 'ephemeral', ...msg });
  },
};
