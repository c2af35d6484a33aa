/** What smx tells people about posts: fixed messages, exported so tests check exactly what a user reads. */
export const POST_MESSAGES = {
  usage:
    'Write it as `/smx schedule [to:x,facebook] <when> | <text>`, e.g. `/smx schedule to:x tomorrow 9am | Flu shots are free this week #FluSeason`. Nothing was scheduled.',
  emptyText:
    'The post has no text after `|` — e.g. `/smx schedule tomorrow 9am | Flu shots are free this week #FluSeason`. Nothing was scheduled.',
  unknownTarget: (t: string, known: string) =>
    `I don't know the target '${t}' — use ${known}, e.g. \`to:x,facebook\`. Nothing was scheduled.`,
  targetOff: (label: string) =>
    `${label} isn't set up in smx yet (its credentials are not configured), so I can't publish there. Leave it out, or ask whoever runs smx to connect it. Nothing was scheduled.`,
  noTargets:
    'No publish target is set up in smx (X: TWITTER_*, Facebook: FACEBOOK_PAGE_*), so there is nowhere to publish. Nothing was scheduled.',
  noApprovalsChannel:
    "SMX_APPROVALS_CHANNEL isn't set, so there is nowhere to send posts for approval. Ask whoever runs smx to set it. Nothing was scheduled.",
  noCard: (problem: string) =>
    `I couldn't post the approval card: ${problem}. Nothing was scheduled — schedule it again once that is fixed.`,
  savedWithoutCard: (id: string, problem: string) =>
    `Post *${id}* is saved but has no approval card: ${problem}. Nobody can approve it until it has one — \`/smx cancel ${id}\`, then schedule it again once that is fixed.`,
  tooLong: (errors: string[]) => `${errors.join(' ')} Nothing was scheduled.`,
  notFound: (id: string) =>
    `There is no post '${id}'. \`/smx queue\` lists posts with their ids. Nothing was changed.`,
  notApprover:
    'Only approvers can approve or reject posts (SMX_APPROVERS). Nothing was changed — ask an approver, or whoever runs smx to add you.',
  selfApproval:
    'You wrote this text, so someone else has to approve it (the four-eyes rule: whoever last changed the text cannot be its only approver). Nothing was changed — ask another approver.',
  blocked:
    'This post fails a check (see the card), so it cannot be approved until it is edited. Nothing was changed.',
  phiBlocked: (findings: string[]) =>
    `The PHI guard flagged this draft, so it cannot be approved as it is:\n${findings.map((f) => `• ${f}`).join('\n')}\nThe author can *Edit* it, or an approver can *Override PHI guard* with a written reason. Nothing was changed.`,
  /** A click that lost to, or came after, another decision: `decision` names who did what. */
  handled: (decision: string) => `${decision}; nothing was changed.`,
  notEditable: (id: string) =>
    `Post ${id} is a repost: it shares the original as it is, so there is no text to edit. Nothing was changed — reject it and draft another if needed.`,
  alreadyHandled: (who: string) => `This was already handled by ${who}. Nothing was changed.`,
  /** A click on a card of a post settled so long ago that its decision records were removed. */
  settled: (id: string, status: string) =>
    `Post ${id} was ${status} long ago; this card is out of date. Nothing was changed.`,
  outdated: 'This card is out of date: the post was edited since. Use the updated card. Nothing was changed.',
  outdatedBy: (decision: string) =>
    `${decision}, so this card is out of date — use the updated card. Nothing was changed.`,
  notAuthorOrApprover: (what: string) =>
    `Only the post's author or an approver can ${what} it. Nothing was changed.`,
  cannotChange: (id: string, status: string, what: string) =>
    `Post ${id} is ${status.replace('_', ' ')}, so it can't be ${what} any more. Nothing was changed.`,
  beingPublished: (id: string) =>
    `Post ${id} is being published right now, so it can't be cancelled. Nothing was changed — check its card in a minute.`,
  scheduled: (id: string, local: string, targets: string, now: boolean) =>
    `:memo: Post *${id}* to ${targets} is waiting for approval; it will go out ${now ? 'as soon as it is approved' : local}. \`/smx cancel ${id}\` withdraws it.`,
  late: (id: string, due: string) =>
    `Post *${id}* was due ${due}, which has passed. Nothing was approved yet: approve it to go out now, or move it first with \`/smx reschedule ${id} tomorrow 9am\` and approve it then.`,
  stale: (id: string, due: string, staleAfter: string) =>
    `:hourglass: Post *${id}* was due ${due} and is now more than ${staleAfter} overdue, so smx has not published it. It goes out only if someone chooses: *Publish now*, or \`/smx reschedule ${id} <when>\` (the approval is kept).`,
  cardNotUpdated: (problem: string) =>
    `the card could not be updated (${problem}), so it may show old buttons`,
  authorNotTold: (author: string, problem: string) => `<@${author}> could not be told by DM (${problem})`,
  doneBut: (done: string, problems: string[]) =>
    `${done} The decision stands, but ${problems.join('; and ')}.`,
} as const;
