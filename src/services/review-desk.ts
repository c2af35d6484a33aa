/**
 * The review desk (models/review-desk.ts): the working set of open items plus the newest ones. Everything here reads
 * or writes that small collection only, never the archive.
 */
import { insertNew } from '../../models/insert-new';
import { deskDocFor, ReviewDesk } from '../../models/review-desk';

/** How many of the newest items `/smx reviews all` can show, whatever their status. */
export const RECENT_KEEP = 200;

export const OPEN_STATUSES = ['new', 'assigned'] as const;

/**
 * Kept on the desk whatever its age: a negative not yet handled, or anything assigned and not yet handled — what the
 * Home tab, `/smx reviews negative`, the response-time figures and the review buttons need. ("open" in
 * `/smx reviews open` means any new or assigned item, as before; review-list.ts says how it is read.)
 */
export function isOpen(r: { status?: string | null; sentiment?: string | null }): boolean {
  return r.status === 'assigned' || (r.status === 'new' && r.sentiment === 'negative');
}

/** Adds desk copies of new reviews (a copy already there is left alone). */
export async function addToDesk(reviews: ReadonlyArray<{ _id: unknown } & Record<string, unknown>>) {
  await insertNew(
    ReviewDesk.collection,
    reviews.map((r) => deskDocFor(r)),
  );
}

/**
 * Keeps the open items and the newest `keep`; removes the rest once there are at least `slack` of them (on FerretDB
 * every delete call costs a pass over the desk, so a few hundred go in one call rather than a few after every
 * webhook). Returns how many were removed.
 */
export async function trimDesk(keep = RECENT_KEEP, slack = RECENT_KEEP): Promise<number> {
  const rows = await ReviewDesk.find({}, { _id: 1, ingestedAt: 1, postedAt: 1, sentiment: 1, status: 1 })
    .batchSize(100_000)
    .lean();
  if (rows.length <= keep) return 0;
  const newest = [...rows].sort(
    (a, b) =>
      new Date(b.ingestedAt).getTime() - new Date(a.ingestedAt).getTime() ||
      new Date(b.postedAt).getTime() - new Date(a.postedAt).getTime(),
  );
  const drop = newest.slice(keep).filter((r) => !isOpen(r));
  if (drop.length < slack) return 0;
  let removed = 0;
  for (let i = 0; i < drop.length; i += 1000) {
    const res = await ReviewDesk.deleteMany({ _id: { $in: drop.slice(i, i + 1000).map((r) => r._id) } });
    removed += res.deletedCount;
  }
  return removed;
}

type DeskCandidate = { _id: unknown; ingestedAt?: unknown } & Record<string, unknown>;

/**
 * For a caller storing many batches (a file import): open items go to the desk at once, the others only if they end
 * up among the newest `keep` of the whole run — so a 50,000-row import writes a few hundred desk copies, not 50,000
 * copies and then 50,000 deletes. `finish()` adds them and trims what they displaced.
 */
export class DeskBulk {
  private newest: DeskCandidate[] = [];

  constructor(private readonly keep = RECENT_KEEP) {}

  /** The items a batch stored: returns the ones to add to the desk now (the open ones). */
  offer(items: readonly DeskCandidate[]): DeskCandidate[] {
    const now: DeskCandidate[] = [];
    for (const item of items) {
      if (isOpen(item as { status?: string; sentiment?: string })) now.push(item);
      else this.newest.push(item);
    }
    if (this.newest.length > 2 * this.keep) this.cut();
    return now;
  }

  async finish(): Promise<void> {
    this.cut();
    await addToDesk(this.newest);
    this.newest = [];
    await trimDesk();
  }

  private cut(): void {
    const t = (d: DeskCandidate) => new Date(d.ingestedAt as Date).getTime();
    this.newest.sort((a, b) => t(b) - t(a) || String(b._id).localeCompare(String(a._id)));
    this.newest.length = Math.min(this.newest.length, this.keep);
  }
}
