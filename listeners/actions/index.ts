import type { App } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import {
  PLAN_ACTION_IDS,
  POST_ACTION_IDS,
  REPLY_ACTION_IDS,
  REVIEW_ACTION_IDS,
  VIDEO_ACTION_IDS,
} from '../../src/slack/ids';
import { action, routeActions } from '../../src/slack/router';
import { approvePost } from './approve-post';
import { approvePostNow } from './approve-post-now';
import { assignReview } from './assign-review';
import { draftReply } from './draft-reply';
import { editPost } from './edit-post';
import { fillPlan } from './fill-plan';
import { fixVideo } from './fix-video';
import { markPublished } from './mark-published';
import { markReplied } from './mark-replied';
import { markReviewHandled } from './mark-review-handled';
import { nextReviewPage } from './next-review-page';
import { overridePhi } from './override-phi';
import { pickReplyTemplate } from './pick-reply-template';
import { publishPostNow } from './publish-post-now';
import { rejectPost } from './reject-post';
import { retryPublish } from './retry-publish';
import { showPostText } from './show-post-text';

/** Adding a listener = one file in this folder + one line here (one Bolt listener routes them all: router.ts). */
export function register(app: App, ctx: SmxContext): void {
  routeActions(app, [
    action(REVIEW_ACTION_IDS.assign, assignReview(ctx)),
    action(REVIEW_ACTION_IDS.markHandled, markReviewHandled(ctx)),
    action(REVIEW_ACTION_IDS.nextPage, nextReviewPage(ctx)),
    action(POST_ACTION_IDS.approve, approvePost(ctx)),
    action(POST_ACTION_IDS.reject, rejectPost(ctx)),
    action(POST_ACTION_IDS.edit, editPost(ctx)),
    action(POST_ACTION_IDS.markPublished, markPublished(ctx)),
    action(POST_ACTION_IDS.retryPublish, retryPublish(ctx)),
    action(POST_ACTION_IDS.approveNow, approvePostNow(ctx)),
    action(POST_ACTION_IDS.publishNow, publishPostNow(ctx)),
    action(POST_ACTION_IDS.showFullText, showPostText(ctx)),
    action(new RegExp(`^${PLAN_ACTION_IDS.fill}(:|$)`), fillPlan(ctx)),
    action(REPLY_ACTION_IDS.draft, draftReply(ctx)),
    action(REPLY_ACTION_IDS.pickTemplate, pickReplyTemplate(ctx)),
    action(REPLY_ACTION_IDS.overridePhi, overridePhi(ctx)),
    action(REPLY_ACTION_IDS.markReplied, markReplied(ctx)),
    action(VIDEO_ACTION_IDS.fix, fixVideo(ctx)),
  ]);
}
