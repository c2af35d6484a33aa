/**
 * Fake X API v2 for twitter-api-v2 (TWITTER_API_URL = `url`): GET /2/users/me and the mentions timeline
 * (GET /2/users/{id}/mentions with since_id and pagination_token, newest first), plus POST /2/tweets recording
 * what was posted. Other tests add routes with `route()`.
 */
import { FakeApi, page } from './api';

export interface FakeTweet {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
}

export interface FakeUser {
  id: string;
  username: string;
  name: string;
}

export const X_ENV = {
  TWITTER_APP_KEY: 'app-key',
  TWITTER_APP_SECRET: 'app-secret',
  TWITTER_ACCESS_TOKEN: 'access-token',
  TWITTER_ACCESS_SECRET: 'access-secret',
};

export class FakeX extends FakeApi {
  me: FakeUser = { id: '900', username: 'CityHospital', name: 'City Hospital' };
  readonly users: FakeUser[] = [];
  readonly mentions: FakeTweet[] = [];
  readonly tweets: Array<{ id: string; text: string; body: Record<string, unknown> }> = [];
  /** Posts anyone can look up (GET /2/tweets/:id) and repost; ids in `deleted` are gone. */
  readonly posts = new Map<string, FakeTweet>();
  readonly deleted = new Set<string>();
  readonly retweets: Array<{ userId: string; body: Record<string, unknown> }> = [];
  private nextTweetId = 5000;

  constructor() {
    super();
    this.route('GET', '/2/users/me', (req) => {
      if (!this.signed(req.headers.authorization)) return this.unauthorised();
      return { body: { data: this.me } };
    });
    this.route('GET', '/2/users/:id/mentions', (req) => {
      if (!this.signed(req.headers.authorization)) return this.unauthorised();
      const since = req.query.since_id ? BigInt(req.query.since_id) : undefined;
      const all = this.mentions
        .filter((t) => since === undefined || BigInt(t.id) > since)
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      const size = Math.min(100, Number(req.query.max_results ?? 10));
      const p = page(all, req.query.pagination_token, size);
      const authorIds = new Set(p.items.map((t) => t.author_id));
      return {
        body: {
          ...(p.items.length > 0 ? { data: p.items } : {}),
          ...(p.items.length > 0
            ? { includes: { users: [...this.users, this.me].filter((u) => authorIds.has(u.id)) } }
            : {}),
          meta: {
            result_count: p.items.length,
            ...(all[0] ? { newest_id: all[0].id } : {}),
            ...(p.next ? { next_token: p.next } : {}),
          },
        },
      };
    });
    this.route('GET', '/2/tweets/:id', (req) => {
      if (!this.signed(req.headers.authorization)) return this.unauthorised();
      const t = this.posts.get(req.params.id ?? '');
      if (!t || this.deleted.has(t.id)) return this.notFound(req.params.id ?? '');
      const author = this.users.find((u) => u.id === t.author_id);
      return {
        body: {
          data: { id: t.id, text: t.text, author_id: t.author_id, edit_history_tweet_ids: [t.id] },
          ...(author && req.query.expansions?.includes('author_id') ? { includes: { users: [author] } } : {}),
        },
      };
    });
    // RepostPostRequest: {tweet_id: ^[0-9]{1,19}$}, no other properties; only the signed-in user may repost.
    this.route('POST', '/2/users/:id/retweets', (req) => {
      if (!this.signed(req.headers.authorization)) return this.unauthorised();
      if (req.params.id !== this.me.id) {
        return {
          status: 403,
          body: { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' },
        };
      }
      const body = req.fields;
      const id = body.tweet_id;
      if (typeof id !== 'string' || !/^[0-9]{1,19}$/.test(id) || Object.keys(body).length !== 1) {
        return {
          status: 400,
          body: {
            title: 'Invalid Request',
            detail: 'One or more parameters to your request was invalid.',
            type: 'https://api.x.com/2/problems/invalid-request',
          },
        };
      }
      this.retweets.push({ userId: req.params.id, body });
      if (!this.posts.has(id) || this.deleted.has(id)) return this.notFound(id);
      return { body: { data: { retweeted: true, rest_id: id } } };
    });
    this.route('POST', '/2/tweets', (req) => {
      if (!this.signed(req.headers.authorization)) return this.unauthorised();
      // CreatePostsReply in the OpenAPI spec: in_reply_to_tweet_id required, digits only, no other properties
      // but auto_populate_reply_metadata / exclude_reply_user_ids.
      const reply = req.fields.reply as Record<string, unknown> | undefined;
      if (reply !== undefined) {
        const allowed = ['in_reply_to_tweet_id', 'auto_populate_reply_metadata', 'exclude_reply_user_ids'];
        const target = reply.in_reply_to_tweet_id;
        if (
          typeof target !== 'string' ||
          !/^[0-9]{1,19}$/.test(target) ||
          Object.keys(reply).some((k) => !allowed.includes(k))
        ) {
          return {
            status: 400,
            body: {
              title: 'Invalid Request',
              detail: 'reply.in_reply_to_tweet_id is invalid',
              type: 'about:blank',
            },
          };
        }
      }
      const id = String(this.nextTweetId++);
      const text = String(req.fields.text ?? '');
      this.tweets.push({ id, text, body: req.fields });
      return { status: 201, body: { data: { id, text } } };
    });
  }

  /** X answers a lookup or repost of a missing post with 200, no `data`, and a resource-not-found problem. */
  private notFound(id: string) {
    return {
      body: {
        errors: [
          {
            value: id,
            detail: `Could not find tweet with id: [${id}].`,
            title: 'Not Found Error',
            resource_type: 'tweet',
            parameter: 'id',
            resource_id: id,
            type: 'https://api.x.com/2/problems/resource-not-found',
          },
        ],
      },
    };
  }

  /** twitter-api-v2 signs with OAuth 1.0a: the header names our consumer key and access token. */
  signed(auth: string | undefined): boolean {
    return (
      typeof auth === 'string' &&
      auth.startsWith('OAuth ') &&
      auth.includes(`oauth_consumer_key="${X_ENV.TWITTER_APP_KEY}"`) &&
      auth.includes(`oauth_token="${X_ENV.TWITTER_ACCESS_TOKEN}"`)
    );
  }

  unauthorised() {
    return {
      status: 401,
      body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
    };
  }

  env(): Record<string, string> {
    return { ...X_ENV, TWITTER_API_URL: this.url };
  }

  /** A post by `author` that can be looked up and reposted. */
  post(id: string, text: string, author: FakeUser): this {
    if (!this.users.some((u) => u.id === author.id)) this.users.push(author);
    this.posts.set(id, { id, text, author_id: author.id, created_at: '2026-11-20T09:00:00.000Z' });
    return this;
  }

  mention(id: string, text: string, author: FakeUser, createdAt = '2026-11-24T09:00:00.000Z'): this {
    if (!this.users.some((u) => u.id === author.id)) this.users.push(author);
    this.mentions.push({ id, text, author_id: author.id, created_at: createdAt });
    return this;
  }
}
