/**
 * One ingest run: every enabled source is fetched from its cursor, its items stored in bulk, and its state recorded.
 * Sources run side by side and independently — one failing source never stops the others.
 */
import { describeFailure, type RetryPolicy, retryPolicy, SourceError } from '../adapters/http';
import { reviewSources } from '../adapters/sources';
import type { ReviewSource } from '../adapters/types';
import type { SmxContext } from '../context';
import { incomingReviewSchema, type StoreCounts, storeItems } from './review-store';
import { getCursor, recordFailure, recordSuccess } from './source-state';

export type SourceOutcome =
  | ({ source: string; ok: true; unavailable: string | null } & StoreCounts)
  | { source: string; ok: false; error: string };

export interface IngestOptions {
  sources?: readonly ReviewSource[];
  retry?: Partial<RetryPolicy>;
}

async function ingestOne(src: ReviewSource, ctx: SmxContext, retry: RetryPolicy): Promise<SourceOutcome> {
  const log = ctx.logger.child({ source: src.name });
  const started = ctx.now();
  try {
    const cursor = await getCursor(src.name);
    const result = await src.fetch(cursor, { config: ctx.config, logger: log, now: ctx.now, retry });
    // One odd item (an over-long id, a bad link) must not block the source forever: it is skipped and logged.
    const valid = result.items.filter((i) => incomingReviewSchema.safeParse(i).success);
    if (valid.length < result.items.length) {
      const skipped = result.items.filter((i) => !incomingReviewSchema.safeParse(i).success);
      log.warn(
        { skipped: skipped.map((i) => String(i.externalId).slice(0, 80)) },
        'source items skipped as invalid',
      );
    }
    const counts = await storeItems(valid, ctx);
    await recordSuccess(src.name, started, {
      cursor: result.nextCursor,
      unavailable: result.unavailable ?? null,
    });
    log.info(
      { fetched: result.items.length, ...counts, unavailable: result.unavailable ?? null },
      'source ingested',
    );
    return { source: src.name, ok: true, unavailable: result.unavailable ?? null, ...counts };
  } catch (err) {
    const error = describeFailure(err);
    log.warn({ err, kind: err instanceof SourceError ? err.kind : 'error' }, 'source ingest failed');
    try {
      await recordFailure(
        src.name,
        started,
        error,
        err instanceof SourceError && err.kind === 'unavailable' ? { unavailable: error } : {},
      );
    } catch (recordErr) {
      log.error({ err: recordErr }, 'could not record the source failure');
    }
    return { source: src.name, ok: false, error };
  }
}

export async function runIngest(ctx: SmxContext, opts: IngestOptions = {}): Promise<SourceOutcome[]> {
  const retry = retryPolicy({ now: ctx.now, ...opts.retry });
  const enabled = (opts.sources ?? reviewSources).filter((s) => s.enabled(ctx.config));
  return Promise.all(enabled.map((s) => ingestOne(s, ctx, retry)));
}
