import type { App } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { POST_CALLBACK_IDS, REPLY_CALLBACK_IDS } from '../../src/slack/ids';
import { editPostView } from './edit-post';
import { overridePhiView } from './override-phi';
import { rejectPostView } from './reject-post';
import { replyDraftView } from './reply-draft';
import { schedulePostView } from './schedule-post';

/** Adding a listener = one file in this folder + one line here. */
export function register(app: App, ctx: SmxContext): void {
  app.view(POST_CALLBACK_IDS.schedule, schedulePostView(ctx));
  app.view(POST_CALLBACK_IDS.reject, rejectPostView(ctx));
  app.view(POST_CALLBACK_IDS.edit, editPostView(ctx));
  app.view(REPLY_CALLBACK_IDS.draft, replyDraftView(ctx));
  app.view(REPLY_CALLBACK_IDS.override, overridePhiView(ctx));
}
