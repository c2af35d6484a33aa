/**
 * Fake Google: the OAuth token endpoint (POST /token, refresh-token grant) and Business Profile reviews
 * (GET /v4/accounts/{a}/locations/{l}/reviews, newest edit first, paged with pageToken). Point
 * GOOGLE_OAUTH_TOKEN_URL at `tokenUrl` and GOOGLE_BUSINESS_API_URL at `url`.
 */
import { FakeApi, page } from './api';

export interface FakeGoogleReview {
  reviewId: string;
  reviewer?: { displayName?: string; isAnonymous?: boolean };
  starRating?: 'ONE' | 'TWO' | 'THREE' | 'FOUR' | 'FIVE' | 'STAR_RATING_UNSPECIFIED';
  comment?: string;
  createTime: string;
  updateTime?: string;
}

export const GOOGLE_ENV = {
  GOOGLE_CLIENT_ID: 'client-id.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'client-secret',
  GOOGLE_REFRESH_TOKEN: 'refresh-token-1',
  GOOGLE_ACCOUNT_ID: '111',
};

export class FakeGoogle extends FakeApi {
  /** Reviews per location id ('locations/123'). */
  readonly reviews = new Map<string, FakeGoogleReview[]>();
  refreshToken = GOOGLE_ENV.GOOGLE_REFRESH_TOKEN;
  private issued = 0;
  readonly accessTokens = new Set<string>();

  constructor() {
    super();
    this.route('POST', '/token', (req) => {
      const f = req.fields;
      if (f.grant_type !== 'refresh_token' || f.refresh_token !== this.refreshToken) {
        return {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
        };
      }
      if (
        f.client_id !== GOOGLE_ENV.GOOGLE_CLIENT_ID ||
        f.client_secret !== GOOGLE_ENV.GOOGLE_CLIENT_SECRET
      ) {
        return { status: 401, body: { error: 'invalid_client' } };
      }
      const token = `ya29.fake-${++this.issued}`;
      this.accessTokens.add(token);
      return { body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
    });
    this.route('GET', '/v4/accounts/:account/locations/:location/reviews', (req) => {
      const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!this.accessTokens.has(bearer)) {
        return {
          status: 401,
          body: { error: { code: 401, status: 'UNAUTHENTICATED', message: 'bad token' } },
        };
      }
      if (req.params.account !== GOOGLE_ENV.GOOGLE_ACCOUNT_ID) {
        return {
          status: 403,
          body: { error: { code: 403, status: 'PERMISSION_DENIED', message: 'no access' } },
        };
      }
      const all = [...(this.reviews.get(`locations/${req.params.location}`) ?? [])].sort(
        (a, b) => Date.parse(b.updateTime ?? b.createTime) - Date.parse(a.updateTime ?? a.createTime),
      );
      const size = Math.min(50, Number(req.query.pageSize ?? 50));
      const p = page(all, req.query.pageToken, size);
      return {
        body: {
          reviews: p.items,
          totalReviewCount: all.length,
          ...(p.next ? { nextPageToken: p.next } : {}),
        },
      };
    });
  }

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  /** Env for smx pointing at this fake, watching the given locations. */
  env(locations = 'locations/1=City Hospital'): Record<string, string> {
    return {
      ...GOOGLE_ENV,
      GOOGLE_LOCATIONS: locations,
      GOOGLE_BUSINESS_API_URL: this.url,
      GOOGLE_OAUTH_TOKEN_URL: this.tokenUrl,
    };
  }

  add(location: string, ...reviews: FakeGoogleReview[]): this {
    this.reviews.set(location, [...(this.reviews.get(location) ?? []), ...reviews]);
    return this;
  }

  /** Edits a stored review the way a reviewer does: new text/stars, newer updateTime. */
  edit(location: string, reviewId: string, change: Partial<FakeGoogleReview>): void {
    const r = this.reviews.get(location)?.find((x) => x.reviewId === reviewId);
    if (!r) throw new Error(`no review ${reviewId}`);
    Object.assign(r, change);
  }

  reviewCalls() {
    return this.callsTo('GET', /\/reviews$/);
  }
}
