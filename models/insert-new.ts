import type { Collection } from 'mongoose';

const isDuplicateKey = (e: unknown) =>
  typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === 11000;

/**
 * Insert-and-catch: inserts `docs` in one unordered bulk insert and returns which of them went in (by index).
 * A document whose `_id` (or another unique key) is already stored answers E11000 and is simply not new; any other
 * error is thrown. On FerretDB an insert checks its unique keys through SQLite indexes, while any find — even by
 * `_id` — reads the whole collection, so this is how "already there?" stays cheap at any archive size.
 */
export async function insertNew(
  collection: Collection,
  docs: ReadonlyArray<Record<string, unknown>>,
): Promise<boolean[]> {
  const inserted = docs.map(() => true);
  if (docs.length === 0) return inserted;
  try {
    await collection.insertMany(docs.map((d) => ({ ...d })) as never[], { ordered: false });
  } catch (err) {
    const e = err as { writeErrors?: unknown };
    const writeErrors = (Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors ?? err]) as Array<{
      index?: unknown;
      code?: unknown;
      err?: { index?: unknown; code?: unknown };
    }>;
    for (const w of writeErrors) {
      const index = typeof w?.index === 'number' ? w.index : w?.err?.index;
      if (!isDuplicateKey(w) && !isDuplicateKey(w?.err) && w?.code !== 11000) throw err;
      if (typeof index !== 'number') throw err;
      inserted[index] = false;
    }
  }
  return inserted;
}

/**
 * insertNew for callers that each have one document, arriving at once (e.g. one per Slack request): the first goes
 * at once; those that arrive while a bulk insert is under way wait for it and then go together in the next one. A
 * burst of N costs about two round trips instead of N, and a lone document waits for nobody. Each caller learns
 * whether its own document was new; an error other than E11000 fails every caller of that bulk insert.
 */
export function coalescedInsertNew(
  collection: Collection,
): (doc: Record<string, unknown>) => Promise<boolean> {
  type Waiting = {
    doc: Record<string, unknown>;
    resolve: (fresh: boolean) => void;
    reject: (e: unknown) => void;
  };
  let queue: Waiting[] = [];
  let busy = false;
  const drain = async () => {
    busy = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const fresh = await insertNew(
          collection,
          batch.map((w) => w.doc),
        );
        batch.forEach((w, i) => {
          w.resolve(fresh[i] === true);
        });
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    busy = false;
  };
  return (doc) =>
    new Promise<boolean>((resolve, reject) => {
      queue.push({ doc, resolve, reject });
      if (!busy) void drain();
    });
}
