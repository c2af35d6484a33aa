/**
 * Google Business Profile reviews, per configured location (the location's name is the facility). Reviews are read
 * newest-edit first (`orderBy=updateTime desc`) and paged with `pageToken` until one is no newer than the cursor:
 * the cursor holds, per location, the latest `updateTime` already stored — so an edited review is fetched again
 * and the store updates it without making it new.
 */
import { z } from 'zod';
import type { GoogleConfig } from '../config';
import type { IncomingReview } from '../services/review-store';
import { fetchJson, parseJsonCursor, SourceError } from './http';
import type { FetchResult, ReviewSource, SourceEnv } from './types';

const MAX_PAGES_PER_LOCATION = 200;

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });

const STARS = { ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 } as const;

const reviewSchema = z.object({
  reviewId: z.string().min(1),
  reviewer: z.object({ displayName: z.string().optional(), isAnonymous: z.boolean().optional() }).optional(),
  starRating: z.string().optional(),
  comment: z.string().optional(),
  createTime: z.iso.datetime({ offset: true }),
  updateTime: z.iso.datetime({ offset: true }).optional(),
});

const pageSchema = z.object({
  reviews: z.array(reviewSchema).optional(),
  nextPageToken: z.string().optional(),
});

/** Per-location latest updateTime (ISO) already stored. */
const cursorSchema = z.record(z.string(), z.string());

/** An expired/revoked grant is a credentials problem; `refreshVar` names the variable to renew. */
function classifySignIn(refreshVar: string) {
  return (status: number, body: unknown): SourceError | undefined => {
    const e = (body as { error?: unknown })?.error;
    if (e === 'invalid_grant' || e === 'invalid_client' || e === 'unauthorized_client') {
      return new SourceError('auth', `Google sign-in refused (${e}): create a new ${refreshVar}`, { status });
    }
    return classify(status, body);
  };
}

/** Google's own errors: `{error: {code, status, message}}`. */
function classify(status: number, body: unknown): SourceError | undefined {
  const e = (body as { error?: unknown })?.error;
  const st = (e as { status?: unknown } | undefined)?.status;
  if (st === 'UNAUTHENTICATED' || st === 'PERMISSION_DENIED') {
    return new SourceError('auth', `Google refused access (${st}): check the account and location ids`, {
      status,
    });
  }
  if (st === 'RESOURCE_EXHAUSTED')
    return new SourceError('rate_limited', 'Google quota exhausted', { status });
  return undefined;
}

/** What an OAuth refresh-token exchange needs (Business Profile and YouTube use the same endpoint). */
export type GoogleOAuthClient = Pick<GoogleConfig, 'clientId' | 'clientSecret' | 'refreshToken' | 'tokenUrl'>;

export async function googleAccessToken(
  g: GoogleOAuthClient,
  env: Pick<SourceEnv, 'retry'>,
  refreshVar = 'GOOGLE_REFRESH_TOKEN',
): Promise<string> {
  const answer = await fetchJson(
    {
      method: 'POST',
      url: g.tokenUrl,
      form: {
        grant_type: 'refresh_token',
        client_id: g.clientId,
        client_secret: g.clientSecret,
        refresh_token: g.refreshToken,
      },
      schema: tokenAnswer,
      classify: classifySignIn(refreshVar),
      what: 'Google sign-in',
    },
    env.retry,
  );
  return answer.access_token;
}

function toItem(r: z.output<typeof reviewSchema>, facility: string): IncomingReview {
  const rating = r.starRating && r.starRating in STARS ? STARS[r.starRating as keyof typeof STARS] : null;
  return {
    source: 'google',
    externalId: r.reviewId,
    facility,
    rating,
    text: (r.comment ?? '').slice(0, 5000),
    authorName: r.reviewer?.isAnonymous ? null : (r.reviewer?.displayName ?? null),
    url: null,
    postedAt: new Date(r.createTime),
    sourceUpdatedAt: new Date(r.updateTime ?? r.createTime),
  };
}

export const google: ReviewSource = {
  name: 'google',
  label: 'Google Business Profile',
  setupHint:
    'set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REFRESH_TOKEN, GOOGLE_ACCOUNT_ID and GOOGLE_LOCATIONS',
  enabled: (config) => config.google !== undefined,
  async fetch(cursor, env): Promise<FetchResult> {
    const g = env.config.google;
    if (!g) return { items: [], nextCursor: cursor };
    const seen = parseJsonCursor(cursorSchema, cursor, {});
    const next: Record<string, string> = { ...seen };
    const token = await googleAccessToken(g, env);
    const account = g.accountId.startsWith('accounts/') ? g.accountId : `accounts/${g.accountId}`;
    const items: IncomingReview[] = [];

    for (const loc of g.locations) {
      const since = seen[loc.id] ? Date.parse(seen[loc.id] as string) : undefined;
      let pageToken: string | undefined;
      let latest = since;
      for (let page = 0; page < MAX_PAGES_PER_LOCATION; page++) {
        const answer = await fetchJson(
          {
            url: `${g.apiUrl}/v4/${account}/${loc.id}/reviews`,
            query: { pageSize: 50, orderBy: 'updateTime desc', pageToken },
            headers: { authorization: `Bearer ${token}` },
            schema: pageSchema,
            classify,
            what: `Google reviews for ${loc.facility}`,
          },
          env.retry,
        );
        let reachedCursor = false;
        for (const r of answer.reviews ?? []) {
          const item = toItem(r, loc.facility);
          const updated = (item.sourceUpdatedAt as Date).getTime();
          if (since !== undefined && updated <= since) {
            reachedCursor = true;
            continue;
          }
          items.push(item);
          if (latest === undefined || updated > latest) latest = updated;
        }
        pageToken = answer.nextPageToken || undefined;
        if (reachedCursor || !pageToken) break;
      }
      if (latest !== undefined) next[loc.id] = new Date(latest).toISOString();
      env.logger.debug({ source: 'google', location: loc.id }, 'google location fetched');
    }
    return { items, nextCursor: JSON.stringify(next) };
  },
};
