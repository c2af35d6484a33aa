import type { App } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { POST_CALLBACK_IDS, REPLY_CALLBACK_IDS } from '../../src/slack/ids';
import { routeViews, view } from '../../src/slack/router';
import { editPostView } from './edit-post';
import { overridePhiView } from './override-phi';
import { rejectPostView } from './reject-post';
import { replyDraftView } from './reply-draft';
import { schedulePostView } from './schedule-post';

/** Adding a listener = one file in this folder + one line here (one Bolt listener routes them all: router.ts). */
export function register(app: App, ctx: SmxContext): void {
  routeViews(app, [
    view(POST_CALLBACK_IDS.schedule, schedulePostView(ctx)),
    view(POST_CALLBACK_IDS.reject, rejectPostView(ctx)),
    view(POST_CALLBACK_IDS.edit, editPostView(ctx)),
    view(REPLY_CALLBACK_IDS.draft, replyDraftView(ctx)),
    view(REPLY_CALLBACK_IDS.override, overridePhiView(ctx)),
  ]);
}
