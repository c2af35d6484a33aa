import type { SmxContext } from '../../src/context';
import { markPublished as mark } from '../../src/services/publish-results';
import { publishResultButton } from '../../src/slack/publish-result-button';

/** `mark_published`: a person checked the account after an unknown outcome and the post is there. */
export const markPublished = (ctx: SmxContext) =>
  publishResultButton(
    ctx,
    'mark_published',
    mark,
    (shortId) => `:white_check_mark: Recorded ${shortId} as published; smx will not send it again.`,
  );
