/**
 * One ingest run: every enabled source is fetched from its cursor, its items stored in bulk, and its state recorded.
 * Sources run side by side and independently — one failing source never stops the others.
 */

import { Claim } from '../../models/claim';
import { describeFailure, type RetryPolicy, retryPolicy, SourceError } from '../adapters/http';
import { reviewSources } from '../adapters/sources';
import type { ReviewSource } from '../adapters/types';
import type { SmxContext } from '../context';
import { releaseClaim, tryClaim } from './claims';
import { incomingReviewSchema, type StoreCounts, storeItems } from './review-store';
import { COMPACT_AFTER_ITEMS, compactRollups } from './rollup-compact';
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
      partialError: result.partialError ?? null,
    });
    log.info(
      {
        fetched: result.items.length,
        ...counts,
        unavailable: result.unavailable ?? null,
        partialError: result.partialError ?? null,
      },
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

/**
 * While an ingest runs, a marker claim `ingest:running:<instance>:<n>` exists (any instance), so a digest due at the
 * same minute waits for the items being stored instead of posting a "quiet day". The marker carries the run's bound
 * (`until`: start + INGEST_RUN_BOUND_MS, the ingest job's budget): a digest waits at most that long, and a marker
 * past it is a run whose process died or hangs — ignored. Markers written without a bound expire after
 * INGEST_MARKER_STALE_MS.
 */
export const INGEST_RUNNING_PREFIX = 'ingest:running:';
export const INGEST_RUN_BOUND_MS = 10 * 60_000;
export const INGEST_MARKER_STALE_MS = 30 * 60_000;
let runCounter = 0;

export interface RunningIngest {
  marker: string;
  /** When the run's bound ends. */
  until: Date;
}

/** The ingest runs (on any instance) storing items right now, each with the end of its bound. */
export async function runningIngests(now: Date): Promise<RunningIngest[]> {
  const markers = await Claim.find({ _id: { $regex: `^${INGEST_RUNNING_PREFIX}` } })
    .select({ claimedAt: 1, until: 1 })
    .lean();
  return markers
    .map((m) => ({
      marker: String(m._id),
      until: m.until ?? new Date(new Date(m.claimedAt).getTime() + INGEST_MARKER_STALE_MS),
    }))
    .filter((m) => m.until.getTime() > now.getTime());
}

/** How many ingest runs (on any instance) are storing items right now. */
export async function ingestsInProgress(now: Date): Promise<number> {
  return (await runningIngests(now)).length;
}

export async function runIngest(ctx: SmxContext, opts: IngestOptions = {}): Promise<SourceOutcome[]> {
  const retry = retryPolicy({ now: ctx.now, ...opts.retry });
  const enabled = (opts.sources ?? reviewSources).filter((s) => s.enabled(ctx.config));
  const marker = `${INGEST_RUNNING_PREFIX}${ctx.instanceId}:${++runCounter}`;
  // The marker only makes digests wait; when it cannot be written the ingest still runs.
  const startedAt = ctx.now();
  const until = new Date(startedAt.getTime() + INGEST_RUN_BOUND_MS);
  const marked = await tryClaim(marker, ctx.instanceId, startedAt, until).catch((err: unknown) => {
    ctx.logger.warn({ err }, 'could not mark the ingest as running');
    return false;
  });
  try {
    const outcomes = await Promise.all(enabled.map((s) => ingestOne(s, ctx, retry)));
    const stored = outcomes.reduce((n, o) => n + (o.ok ? o.created + o.updated : 0), 0);
    // Many new deltas (a source's history on first connect): fold them now, not at the next compaction tick.
    if (stored >= COMPACT_AFTER_ITEMS) await compactRollups(ctx, ctx.instanceId);
    return outcomes;
  } finally {
    if (marked) {
      await releaseClaim(marker, ctx.instanceId).catch((err: unknown) => {
        ctx.logger.warn(
          { err },
          'could not clear the ingest-running mark; digests ignore it after 30 minutes',
        );
      });
    }
  }
}
