import type { Config } from '../config';
import type { Logger } from '../logger';
import type { IncomingReview } from '../services/review-store';
import type { RetryPolicy } from './http';

/** What an adapter may use while fetching: config, a logger, the clock and the retry policy for its requests. */
export interface SourceEnv {
  config: Config;
  logger: Logger;
  now: () => Date;
  retry: RetryPolicy;
}

export interface FetchResult {
  items: IncomingReview[];
  /** Stored only after the items are; the next run starts from here. Null means "start from the beginning". */
  nextCursor: string | null;
  /** Part of the source that is not served any more (shown by /smx sources); the rest of it still worked. */
  unavailable?: string | null;
  /** A part of the source that failed this run, with its fix (shown by /smx sources); the rest came in. */
  partialError?: string | null;
}

/**
 * A review source (Google, Facebook, X …). Adding one = one file implementing this + one line in sources.ts.
 * `fetch` throws a SourceError (see http.ts) when it cannot do its job; the ingest job records it and goes on.
 */
export interface ReviewSource {
  /** The `source` stored on its items and the SourceState id, e.g. 'google'. */
  name: string;
  /** What people read in /smx sources, e.g. 'Google Business Profile'. */
  label: string;
  /** What to set to turn it on, shown by /smx sources when it is off. */
  setupHint: string;
  /** Off (not an error) when its credentials are not configured. */
  enabled(config: Config): boolean;
  /** Extra lines for /smx sources (e.g. quota spent today); may read the database. */
  notes?(config: Config, now: Date): Promise<string[]>;
  fetch(cursor: string | null, env: SourceEnv): Promise<FetchResult>;
}
