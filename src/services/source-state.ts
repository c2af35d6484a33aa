/**
 * Per-source bookkeeping (SourceState): cursor, last run, last success, last error, unavailable parts. Written by the
 * ingest job, the feedback webhook and the import CLI; read by `/smx sources`.
 */
import { SourceState } from '../../models/source-state';

export async function getCursor(source: string): Promise<string | null> {
  const s = await SourceState.findById(source, { cursor: 1 }).lean();
  return s?.cursor ?? null;
}

/**
 * A successful run: the new cursor is stored only now, after its items are. `partialError` is a part of the source
 * that failed while the rest came in: it stays visible as the last error.
 */
export async function recordSuccess(
  source: string,
  at: Date,
  update: { cursor?: string | null; unavailable?: string | null; partialError?: string | null } = {},
): Promise<void> {
  await SourceState.updateOne(
    { _id: source },
    {
      $set: {
        lastRunAt: at,
        lastSuccessAt: at,
        lastError: update.partialError ? update.partialError.slice(0, 500) : null,
        lastErrorAt: update.partialError ? at : null,
        ...(update.cursor === undefined ? {} : { cursor: update.cursor }),
        ...(update.unavailable === undefined ? {} : { unavailable: update.unavailable }),
      },
    },
    { upsert: true },
  );
}

/** A failed run: the cursor stays, so the next run fetches the same items again. */
export async function recordFailure(
  source: string,
  at: Date,
  error: string,
  update: { unavailable?: string | null } = {},
): Promise<void> {
  await SourceState.updateOne(
    { _id: source },
    {
      $set: {
        lastRunAt: at,
        lastError: error.slice(0, 500),
        lastErrorAt: at,
        ...(update.unavailable === undefined ? {} : { unavailable: update.unavailable }),
      },
    },
    { upsert: true },
  );
}

export async function allStates() {
  return SourceState.find({}).sort({ _id: 1 }).lean();
}
