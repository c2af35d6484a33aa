/**
 * The daily audience snapshot: page likes/followers per connected target, one row per target and local day. A failed
 * reading is recorded in SourceState (`audience:<target>`, shown by `/smx sources`) and simply retried at the next
 * daily run; the other targets are not held up by it.
 */
import { AudienceSnapshot } from '../../models/audience-snapshot';
import { SourceState } from '../../models/source-state';
import { describeFailure, retryPolicy } from '../adapters/http';
import type { SmxContext } from '../context';
import { localDay } from '../slack/time';
import { type AudienceTarget, audienceTargets } from './audience-targets';

export interface SnapshotOutcome {
  target: string;
  ok: boolean;
  followers?: number;
  error?: string;
}

export async function takeAudienceSnapshots(
  ctx: SmxContext,
  targets: readonly AudienceTarget[] = audienceTargets,
): Promise<SnapshotOutcome[]> {
  const now = ctx.now();
  const day = localDay(now, ctx.config.timezone);
  const out: SnapshotOutcome[] = [];
  for (const t of targets) {
    if (!t.connected(ctx.config)) continue;
    const log = ctx.logger.child({ job: 'audience-snapshot', target: t.name });
    try {
      const reading = await t.fetch(ctx.config, retryPolicy({ now: ctx.now }));
      await AudienceSnapshot.updateOne(
        { _id: `${t.name}:${day}` },
        { $set: { target: t.name, day, likes: reading.likes, followers: reading.followers, takenAt: now } },
        { upsert: true },
      );
      await SourceState.updateOne(
        { _id: t.stateId },
        {
          $set: { lastRunAt: now, lastSuccessAt: now, lastError: null, lastErrorAt: null, unavailable: null },
        },
        { upsert: true },
      );
      log.info({ event: 'audience_snapshot', day, followers: reading.followers }, 'audience snapshot stored');
      out.push({ target: t.name, ok: true, followers: reading.followers });
    } catch (err) {
      const message = describeFailure(err).slice(0, 300);
      log.warn({ err, event: 'audience_snapshot_failed', day }, 'audience snapshot failed; retried tomorrow');
      await SourceState.updateOne(
        { _id: t.stateId },
        { $set: { lastRunAt: now, lastError: message, lastErrorAt: now } },
        { upsert: true },
      );
      out.push({ target: t.name, ok: false, error: message });
    }
  }
  return out;
}
