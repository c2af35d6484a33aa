/**
 * Every Slack id smx uses, defined once and imported by both the Block Kit builders and the listener registrations.
 */
export const COMMAND = '/smx';

export const ACTION_IDS = {} as const;

export const CALLBACK_IDS = {} as const;

export const BLOCK_IDS = {} as const;

// --- Reviews digest (issue 3, digest half): buttons on digest items and /smx reviews lists. Value = review id. ---
export const REVIEW_ACTION_IDS = {
  assign: 'review_assign',
  markHandled: 'review_mark_handled',
  /** **Next 10** under a `/smx reviews` page. Value = `<filter>:<page>:<facility>` (facility may be empty). */
  nextPage: 'review_list_next',
} as const;
/** The block holding a review list's **Next** button (not an item: `replaceItemBlocks` leaves it alone). */
export const REVIEW_LIST_BLOCK_ID = 'review_list_more';
/** Block ids of one review item in a message: `rv:<reviewId>:<part>`; the prefix finds the item to rebuild. */
export const REVIEW_BLOCK_PREFIX = 'rv:';

// --- Posts (issue 4): approval card buttons, publish-result buttons, modals. Button values are
// `<shortId>:<revision>` (decisions) or `<shortId>:<target>` (publish results); the state lives in the database. ---
export const POST_ACTION_IDS = {
  approve: 'approve_post',
  reject: 'reject_post',
  edit: 'edit_post',
  markPublished: 'mark_published',
  retryPublish: 'retry_publish',
  /** Approving a post whose time has passed: approve it and publish it now. */
  approveNow: 'approve_post_now',
  /** An approved post too far overdue (SMX_STALE_AFTER): publish it now after all. */
  publishNow: 'publish_post_now',
  showFullText: 'show_post_text',
} as const;
export const POST_CALLBACK_IDS = {
  schedule: 'schedule_post',
  reject: 'reject_post_reason',
  edit: 'edit_post_text',
  fullText: 'post_full_text',
} as const;
export const POST_BLOCK_IDS = {
  actions: 'post_actions',
  targets: 'post_targets',
  date: 'post_date',
  time: 'post_time',
  now: 'post_now',
  text: 'post_text',
  reason: 'post_reject_reason',
  choices: 'post_choices',
} as const;
/** action_ids of the inputs inside the post modals (one input per block). */
export const POST_INPUT_IDS = {
  targets: 'targets',
  date: 'date',
  time: 'time',
  now: 'now',
  text: 'text',
  reason: 'reason',
} as const;

// --- Metrics (issue 5): App Home. Draft rows reuse POST_ACTION_IDS (approve/reject); block id `home_draft:<shortId>`. ---
export const HOME_DRAFT_BLOCK_PREFIX = 'home_draft:';

// --- Content plan (issue 12): Fill from canned on /smx plan, the weekly nudge and the Home tab. Value
// `<target>:<week>` (e.g. `facebook:2026-W50`). ---
export const PLAN_ACTION_IDS = {
  fill: 'plan_fill_canned',
} as const;
export const PLAN_BLOCK_PREFIX = 'plan_week:';

// --- YouTube metadata audit (issue 12): Fix on a flagged video in /smx videos. Value = the video id. ---
export const VIDEO_ACTION_IDS = {
  fix: 'video_fix_metadata',
} as const;

// --- Replies to reviews (issue 8): Draft reply on review items (value = review id), the reply modal, the PHI
// override on approval cards (value = `<shortId>:<revision>`), Mark as replied on Copy-reply cards (value = shortId). ---
export const REPLY_ACTION_IDS = {
  draft: 'review_draft_reply',
  pickTemplate: 'reply_pick_template',
  overridePhi: 'override_phi',
  markReplied: 'mark_replied',
} as const;
export const REPLY_CALLBACK_IDS = {
  draft: 'reply_draft',
  override: 'override_phi_reason',
} as const;
export const REPLY_BLOCK_IDS = {
  template: 'reply_template',
  reason: 'phi_override_reason',
} as const;
/** The reply text input's block id carries a counter so a picked template can replace the text (Slack keeps typed
 * values of an unchanged block id). */
export const REPLY_TEXT_BLOCK_PREFIX = 'reply_text_';
export const REPLY_INPUT_IDS = {
  template: 'template',
  text: 'text',
  reason: 'reason',
} as const;
