/**
 * Fake Facebook Graph API under a pinned version prefix (`url` = http://127.0.0.1:PORT/v21.0, the value for
 * FACEBOOK_GRAPH_URL). Serves page recommendations (/{page}/ratings — or error code 12 when `ratingsDeprecated`),
 * the page's posts and their comments, newest first with cursor paging, and records page posts
 * (POST /{page}/feed) and replies (POST /{id}/comments). Other tests add routes with `route()`.
 */
import { FakeApi, page, type RouteRequest } from './api';

export interface FakeRating {
  created_time: string;
  recommendation_type?: 'positive' | 'negative';
  rating?: number;
  review_text?: string;
  reviewer?: { id: string; name: string };
  open_graph_story?: { id: string };
}

export interface FakeComment {
  id: string;
  message?: string;
  created_time: string;
  from?: { id: string; name: string };
  permalink_url?: string;
}

export interface FakePost {
  id: string;
  created_time: string;
  message?: string;
  link?: string;
  comments: FakeComment[];
}

export const GRAPH_PAGE_ID = '1000001';
export const GRAPH_PAGE_TOKEN = 'EAAG-fake-page-token';

const byNewest = <T extends { created_time: string }>(list: readonly T[]) =>
  [...list].sort((a, b) => Date.parse(b.created_time) - Date.parse(a.created_time));

export class FakeGraph extends FakeApi {
  pageId = GRAPH_PAGE_ID;
  token = GRAPH_PAGE_TOKEN;
  readonly ratings: FakeRating[] = [];
  readonly posts: FakePost[] = [];
  /** Replies posted to comments (POST /{comment-id}/comments). */
  readonly commentReplies: Array<{ parentId: string; id: string; message: string }> = [];
  /** Answer /{page}/ratings with Graph error code 12, as Graph v22+ does. */
  ratingsDeprecated = false;
  private nextId = 1;

  constructor(version = 'v21.0') {
    super(`/${version}`);
    this.route('GET', '/:page/ratings', (req) => {
      if (!this.authorised(req)) return this.badToken();
      if (this.ratingsDeprecated) {
        return {
          status: 400,
          body: {
            error: {
              message: '(#12) ratings is deprecated for versions v22.0 and higher',
              type: 'OAuthException',
              code: 12,
            },
          },
        };
      }
      return this.list(byNewest(this.ratings), req);
    });
    this.route('GET', '/:page/posts', (req) => {
      if (!this.authorised(req)) return this.badToken();
      return this.list(
        byNewest(this.posts).map(({ comments: _c, ...p }) => p),
        req,
      );
    });
    this.route('GET', '/:post/comments', (req) => {
      if (!this.authorised(req)) return this.badToken();
      const post = this.posts.find((p) => p.id === req.params.post);
      if (!post) return { status: 400, body: { error: { code: 100, message: 'Unsupported get request' } } };
      return this.list(byNewest(post.comments), req);
    });
    this.route('POST', '/:page/feed', (req) => {
      if (!this.authorised(req)) return this.badToken();
      const id = `${req.params.page}_${this.nextId++}`;
      this.posts.push({
        id,
        created_time: new Date().toISOString(),
        message: String(req.fields.message ?? ''),
        link: req.fields.link === undefined ? undefined : String(req.fields.link),
        comments: [],
      });
      return { body: { id } };
    });
    this.route('POST', '/:id/comments', (req) => {
      if (!this.authorised(req)) return this.badToken();
      const message = req.fields.message;
      if (typeof message !== 'string' || message === '') {
        return {
          status: 400,
          body: {
            error: { message: '(#100) Missing message or attachment', type: 'OAuthException', code: 100 },
          },
        };
      }
      const id = `${req.params.id}_c${this.nextId++}`;
      this.commentReplies.push({ parentId: String(req.params.id), id, message });
      return { body: { id } };
    });
  }

  authorised(req: RouteRequest): boolean {
    const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    return (
      bearer === this.token || req.query.access_token === this.token || req.fields.access_token === this.token
    );
  }

  badToken() {
    return {
      status: 400,
      body: { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } },
    };
  }

  /** Graph list with cursor paging: `limit`, `after`; `paging.next` only when there is more. */
  list<T>(all: readonly T[], req: RouteRequest) {
    const limit = Math.min(100, Number(req.query.limit ?? 25));
    const p = page(all, req.query.after, limit);
    return {
      body: {
        data: p.items,
        paging: {
          cursors: { before: req.query.after ?? '0', after: p.next ?? String(all.length) },
          ...(p.next ? { next: `${this.url}${req.path}?after=${p.next}&limit=${limit}` } : {}),
        },
      },
    };
  }

  env(facility = 'City Hospital'): Record<string, string> {
    return {
      FACEBOOK_PAGE_ID: this.pageId,
      FACEBOOK_PAGE_TOKEN: this.token,
      FACEBOOK_FACILITY: facility,
      FACEBOOK_GRAPH_URL: this.url,
    };
  }

  addPost(id: string, created_time: string, comments: FakeComment[] = []): FakePost {
    const post = { id, created_time, comments };
    this.posts.push(post);
    return post;
  }
}
