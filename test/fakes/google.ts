/**
 * Fake Google: the OAuth token endpoint (POST /token, refresh-token grant) and Business Profile reviews
 * (GET /v4/accounts/{a}/locations/{l}/reviews, newest edit first, paged with pageToken) and the owner's reply
 * (PUT …/reviews/{id}/reply {comment}: at most 4,096 bytes, replaces any earlier reply, answers a ReviewReply). Point
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
  reviewReply?: { comment: string; updateTime: string };
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
  /** Every accepted reply PUT, in order (a PUT replaces the review's reply; this keeps the history). */
  readonly replies: Array<{ location: string; reviewId: string; comment: string }> = [];
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
    this.route('PUT', '/v4/accounts/:account/locations/:location/reviews/:review/reply', (req) => {
      const denied = this.denied(req.headers.authorization, req.params.account);
      if (denied) return denied;
      const review = this.reviews
        .get(`locations/${req.params.location}`)
        ?.find((r) => r.reviewId === req.params.review);
      if (!review) {
        return {
          status: 404,
          body: { error: { code: 404, status: 'NOT_FOUND', message: 'Requested entity was not found.' } },
        };
      }
      const comment = req.fields.comment;
      if (typeof comment !== 'string' || comment === '' || Buffer.byteLength(comment, 'utf8') > 4096) {
        return {
          status: 400,
          body: {
            error: {
              code: 400,
              status: 'INVALID_ARGUMENT',
              message: 'Request contains an invalid argument.',
            },
          },
        };
      }
      review.reviewReply = { comment, updateTime: new Date().toISOString() };
      this.replies.push({ location: `locations/${req.params.location}`, reviewId: review.reviewId, comment });
      return { body: review.reviewReply };
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

  /** The bearer-token and account checks the reviews API makes. */
  private denied(authorization: string | undefined, account: string | undefined) {
    const bearer = String(authorization ?? '').replace(/^Bearer /, '');
    if (!this.accessTokens.has(bearer)) {
      return { status: 401, body: { error: { code: 401, status: 'UNAUTHENTICATED', message: 'bad token' } } };
    }
    if (account !== GOOGLE_ENV.GOOGLE_ACCOUNT_ID) {
      return {
        status: 403,
        body: { error: { code: 403, status: 'PERMISSION_DENIED', message: 'no access' } },
      };
    }
    return undefined;
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
