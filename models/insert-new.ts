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
