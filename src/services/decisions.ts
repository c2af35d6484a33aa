/**
 * Single-winner decisions on a versioned document, on every supported database (FerretDB included).
 *
 * A decision (approve, reject, edit, cancel, reschedule, publish …) on version N of a document is the insert of
 * `decision:<kind>:<docId>:<N>` into a unique `_id`: the first insert wins, every concurrent one gets E11000 and
 * learns who won. Only the winner applies its change, and bumps the document to version N+1 in the same update, so
 * a later decision is on N+1. Conditional updates are never the guard: on FerretDB v1 they are read-modify-write
 * and two of them can both "win" (mongo-subset.md).
 *
 * Use: read the document (with its `version`), check permissions and state, then
 *   const r = await decide(Model, { kind, docId, version, action, actor, at, set });
 *   if (!r.won) answer(`${describeDecision(r.winner, …)}; nothing was changed.`);
 * Every write that changes a document's state must go through `decide`; plain writes may only touch fields no
 * decision reads (card ids, per-target results).
 */
import type { Model } from 'mongoose';
import { Decision } from '../../models/decision';
import { SmxError } from '../errors';
import { shortLocal } from '../slack/blocks/approval-card';
import { isDuplicateKey } from './claims';

export interface DecisionInput {
  /** Namespace of the document: 'post', 'reply' … */
  kind: string;
  docId: string;
  /** The version the actor saw (the document's `version` field). */
  version: number;
  action: string;
  /** Slack user id, or 'smx'. */
  actor: string;
  at: Date;
  /** Fields to set once the decision is won; `version` is bumped by `decide` itself. */
  set: Record<string, unknown>;
  /** Fields to remove once the decision is won. */
  unset?: string[];
}

export interface DecisionWinner {
  action: string;
  actor: string;
  at: Date;
  version: number;
}

/** When won, `doc` is the document as stored after the change (lean), so callers need not read it again. */
export type DecisionResult = { won: true; doc: unknown } | { won: false; winner: DecisionWinner };

/** A winner that has not applied its change after this long has died; anyone may apply it for them. */
export const ROLL_FORWARD_MS = 30_000;

export const decisionId = (kind: string, docId: string, version: number) =>
  `decision:${kind}:${docId}:${version}`;

// biome-ignore lint/suspicious/noExplicitAny: any mongoose model with a `version` field
type VersionedModel = Model<any>;

function changeOf(set: Record<string, unknown>, unset: string[], version: number) {
  return {
    $set: { ...set, version: version + 1 },
    ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((k) => [k, 1])) } : {}),
  };
}

/**
 * Applies a won decision and checks it stuck: on FerretDB an update is read-modify-write, so a concurrent plain
 * update of another field of the same document can write back the old version. Nobody else can move the version
 * past ours without a decision on it, so re-applying while it is still below is safe.
 */
async function applyWon(
  model: VersionedModel,
  docId: string,
  change: object,
  version: number,
): Promise<unknown> {
  let doc: { version?: number } | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    await model.updateOne({ _id: docId }, change);
    doc = await model.findById(docId).lean<{ version?: number }>();
    if (!doc || (doc.version ?? 1) > version) return doc;
  }
  return doc;
}

/** Takes the decision on `version` if nobody has; applies `set` and bumps the version when won. */
export async function decide(model: VersionedModel, input: DecisionInput): Promise<DecisionResult> {
  const _id = decisionId(input.kind, input.docId, input.version);
  try {
    await Decision.create({
      _id,
      kind: input.kind,
      docId: input.docId,
      version: input.version,
      action: input.action,
      actor: input.actor,
      at: input.at,
      set: JSON.stringify(input.set),
      unset: input.unset ?? [],
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return { won: false, winner: await winnerOf(model, input.kind, input.docId, input.version, input.at) };
  }
  let doc: unknown;
  try {
    doc = await applyWon(
      model,
      input.docId,
      changeOf(input.set, input.unset ?? [], input.version),
      input.version,
    );
  } catch (err) {
    // Undo the claim so that "nothing was changed" stays true; if even that fails, say what will happen.
    const undone = await Decision.deleteOne({ _id, actor: input.actor })
      .then((r) => r.deletedCount === 1)
      .catch(() => false);
    if (undone) throw err;
    throw new SmxError(
      'INTERNAL',
      'Your decision was recorded but the database failed before it was applied; smx applies it at the next action on this item. Check its card in a minute.',
      { cause: err },
    );
  }
  return { won: true, doc };
}

/** Who took the decision on `version`; rolls a dead winner's change forward so the story stays true. */
async function winnerOf(
  model: VersionedModel,
  kind: string,
  docId: string,
  version: number,
  now: Date,
): Promise<DecisionWinner> {
  const d = await Decision.findById(decisionId(kind, docId, version)).lean();
  if (!d) {
    // Undone by a winner whose update failed, between our insert and this read.
    return { action: 'change', actor: 'someone else', at: now, version };
  }
  if (now.getTime() - new Date(d.at).getTime() > ROLL_FORWARD_MS) {
    const doc = await model.findById(docId).select({ version: 1 }).lean<{ version?: number }>();
    if (doc && (doc.version ?? 1) === version) {
      // Same values as the winner would have written: concurrent roll-forwards cannot disagree.
      await model.updateOne(
        { _id: docId },
        changeOf(JSON.parse(d.set) as Record<string, unknown>, d.unset ?? [], version),
      );
    }
  }
  return { action: d.action, actor: d.actor, at: new Date(d.at), version };
}

/** The decision that brought the document to `currentVersion` (undefined for a fresh document). */
export async function lastDecision(
  kind: string,
  docId: string,
  currentVersion: number,
  opts: { byPerson?: boolean } = {},
): Promise<DecisionWinner | undefined> {
  // A person's decision is looked for a few versions back (past smx's own publish/settle steps).
  for (let v = currentVersion - 1; v >= 1 && v >= currentVersion - 4; v--) {
    const d = await Decision.findById(decisionId(kind, docId, v)).lean();
    if (!d) return undefined;
    if (!opts.byPerson || d.actor !== 'smx') {
      return { action: d.action, actor: d.actor, at: new Date(d.at), version: d.version };
    }
  }
  return undefined;
}

/**
 * Past-tense verbs for `describeDecision` (`{noun}` marks where "this post" goes, else it follows the verb); other
 * kinds of documents may add their own actions.
 */
export const DECISION_VERBS: Record<string, string> = {
  approve: 'approved',
  reject: 'rejected',
  edit: 'edited',
  cancel: 'cancelled',
  reschedule: 'rescheduled',
  publish: 'started publishing',
  publish_now: 'chose to publish {noun} now',
  retry: 'asked to retry',
  mark_published: 'marked {noun} as published',
  settle: 'recorded the publishing outcome of {noun}',
  change: 'changed',
};

/** "<@U…> cancelled this post a moment ago" / "smx started publishing this post at Tue 09:12". */
export function describeDecision(
  w: DecisionWinner,
  o: { now: Date; timezone: string; noun?: string; verbs?: Record<string, string> },
): string {
  const who =
    w.actor === 'smx'
      ? 'smx'
      : w.actor.startsWith('U') || w.actor.startsWith('W')
        ? `<@${w.actor}>`
        : w.actor;
  const verb = o.verbs?.[w.action] ?? DECISION_VERBS[w.action] ?? `did "${w.action}" to`;
  const ago = o.now.getTime() - w.at.getTime();
  const when = ago < 5 * 60_000 ? 'a moment ago' : `at ${shortLocal(w.at, o.timezone)}`;
  const noun = o.noun ?? 'this post';
  const did = verb.includes('{noun}') ? verb.replace('{noun}', noun) : `${verb} ${noun}`;
  return `${who} ${did} ${when}`;
}

/** How long the announcement of a decision waits for the one before it (a holder that died does not block). */
export const ANNOUNCE_WAIT_MS = 3000;

/** Decisions that announce nothing (the publisher starting): the next one need not wait for them. */
const SILENT_ACTIONS = new Set(['publish']);

/**
 * Runs the announcement of the decision on `version` (card update, DMs) only after the decision before it was
 * announced, so that two decisions taken a moment apart never reach Slack in the wrong order (a card saying
 * "Approved" after "Cancelled", an "approved" DM after a "cancelled" one). Every decision must announce through
 * this (the publisher's start with `{ silent: true }`), or the next one waits `ANNOUNCE_WAIT_MS` for it. The mark is a
 * field on the decision itself, so nothing else accumulates.
 *
 * When that wait runs out (Slack or the machine is slow), two announcements are in flight at once and the older
 * card may reach Slack last. The newer one then marks itself `overlapped`, and `correct` redraws the card from what
 * is stored now: whichever of the two marks itself announced second finds the other already marked and calls it —
 * the older one when the newer is marked overlapped (the older card may have landed over it), the newer one when it
 * stopped waiting and the older is marked. So the card ends on the latest state in every order; an announcement
 * that did not overlap costs one extra `_id` read and no extra Slack call.
 */
export async function announceInOrder<T>(
  kind: string,
  docId: string,
  version: number,
  announce: () => Promise<T>,
  opts: { silent?: boolean; correct?: () => Promise<void> } = {},
): Promise<T> {
  let waitedOut = false;
  if (version > 1) {
    const until = Date.now() + ANNOUNCE_WAIT_MS;
    for (;;) {
      const prev = await Decision.findById(decisionId(kind, docId, version - 1)).lean();
      if (!prev || prev.announced || SILENT_ACTIONS.has(prev.action)) break;
      if (Date.now() >= until) {
        waitedOut = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 40));
    }
  }
  try {
    return await announce();
  } finally {
    if (!opts.silent) {
      await Decision.updateOne(
        { _id: decisionId(kind, docId, version) },
        { $set: { announced: true, ...(waitedOut ? { overlapped: true } : {}) } },
      ).catch(() => undefined);
      if (opts.correct) await correctIfOvertaken(kind, docId, version, waitedOut, opts.correct);
    }
  }
}

async function correctIfOvertaken(
  kind: string,
  docId: string,
  version: number,
  waitedOut: boolean,
  correct: () => Promise<void>,
): Promise<void> {
  try {
    const [next, prev] = await Promise.all([
      Decision.findById(decisionId(kind, docId, version + 1)).lean(),
      waitedOut ? Decision.findById(decisionId(kind, docId, version - 1)).lean() : null,
    ]);
    if ((next?.announced && next.overlapped) || prev?.announced) await correct();
  } catch {
    // The card shows what this announcement drew; the next decision redraws it anyway.
  }
}
