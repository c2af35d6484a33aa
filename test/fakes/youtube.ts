/**
 * Fake YouTube Data API v3 (YOUTUBE_API_URL = `url`) and its OAuth token endpoint (`tokenUrl`), shaped after the
 * discovery document: commentThreads.list (allThreadsRelatedToChannelId, order=time, maxResults 1–100, pageToken),
 * channels.list (statistics, contentDetails), playlistItems.list, videos.list and videos.update (PUT, part=snippet,
 * title and categoryId required). It keeps its own quota ledger like Google does (list 1 unit, update 50) and answers
 * 403 quotaExceeded once the day's units are gone. Errors use Google's `{error: {code, message, errors: [{domain,
 * reason, message}]}}`.
 */
import { FakeApi, type RouteAnswer, type RouteRequest } from './api';

export const YT_CHANNEL = 'UCcityhospital0000000001';

export const YOUTUBE_ENV = {
  YOUTUBE_CLIENT_ID: 'yt-client.apps.googleusercontent.com',
  YOUTUBE_CLIENT_SECRET: 'yt-secret',
  YOUTUBE_REFRESH_TOKEN: 'yt-refresh-1',
  YOUTUBE_CHANNEL_ID: YT_CHANNEL,
};

export interface FakeComment {
  id: string;
  author: string;
  authorChannelId: string;
  text: string;
  publishedAt: string;
}

export interface FakeThread {
  id: string;
  videoId: string;
  top: FakeComment;
  replies: FakeComment[];
}

export interface FakeVideo {
  id: string;
  title: string;
  description: string;
  tags?: string[];
  categoryId: string;
  publishedAt: string;
  /** Bumped on every update, like a resource etag. */
  version: number;
}

function googleError(code: number, reason: string, message: string, domain = 'youtube.api'): RouteAnswer {
  return { status: code, body: { error: { code, message, errors: [{ message, domain, reason }] } } };
}

export class FakeYouTube extends FakeApi {
  readonly threads: FakeThread[] = [];
  readonly videos: FakeVideo[] = [];
  stats = { viewCount: '48210', subscriberCount: '1520', hiddenSubscriberCount: false, videoCount: '2' };
  /** Units Google would have charged today, and the project's limit. */
  unitsUsed = 0;
  dailyQuota = 10_000;
  readonly updates: Array<{ id: string; snippet: Record<string, unknown> }> = [];
  private issued = 0;
  readonly accessTokens = new Set<string>();

  constructor() {
    super('/youtube/v3');
    this.route('POST', '/token', (req) => {
      const f = req.fields;
      if (f.grant_type !== 'refresh_token' || f.refresh_token !== YOUTUBE_ENV.YOUTUBE_REFRESH_TOKEN) {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } };
      }
      const token = `ya29.yt-${++this.issued}`;
      this.accessTokens.add(token);
      return { body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
    });
    this.api('GET', '/commentThreads', 1, (req) => {
      if (!req.query.allThreadsRelatedToChannelId && !req.query.videoId && !req.query.id) {
        return googleError(
          400,
          'missingRequiredParameter',
          'No filter selected. Expected one of: allThreadsRelatedToChannelId, videoId, id',
        );
      }
      if (req.query.allThreadsRelatedToChannelId !== YT_CHANNEL) {
        return googleError(
          404,
          'channelNotFound',
          'The channel identified by the allThreadsRelatedToChannelId parameter could not be found.',
        );
      }
      const size = this.maxResults(req, 20, 1, 100);
      if (typeof size !== 'number') return size;
      const all = [...this.threads].sort(
        (a, b) => Date.parse(b.top.publishedAt) - Date.parse(a.top.publishedAt),
      );
      const start = req.query.pageToken ? Number(req.query.pageToken.replace(/^p/, '')) : 0;
      const items = all.slice(start, start + size);
      const withReplies = (req.query.part ?? '').split(',').includes('replies');
      return {
        body: {
          kind: 'youtube#commentThreadListResponse',
          etag: `etag-${start}`,
          ...(start + size < all.length ? { nextPageToken: `p${start + size}` } : {}),
          pageInfo: { totalResults: items.length, resultsPerPage: size },
          items: items.map((t) => ({
            kind: 'youtube#commentThread',
            etag: `etag-${t.id}`,
            id: t.id,
            snippet: {
              channelId: YT_CHANNEL,
              videoId: t.videoId,
              topLevelComment: this.comment(t.top, t.videoId),
              canReply: true,
              totalReplyCount: t.replies.length,
              isPublic: true,
            },
            ...(withReplies && t.replies.length > 0
              ? { replies: { comments: t.replies.map((r) => this.comment(r, t.videoId, t.top.id)) } }
              : {}),
          })),
        },
      };
    });
    this.api('GET', '/channels', 1, (req) => {
      if (req.query.id !== YT_CHANNEL && req.query.mine !== 'true') {
        return {
          body: {
            kind: 'youtube#channelListResponse',
            pageInfo: { totalResults: 0, resultsPerPage: 5 },
            items: [],
          },
        };
      }
      const parts = (req.query.part ?? '').split(',');
      return {
        body: {
          kind: 'youtube#channelListResponse',
          items: [
            {
              kind: 'youtube#channel',
              id: YT_CHANNEL,
              ...(parts.includes('statistics') ? { statistics: this.stats } : {}),
              ...(parts.includes('contentDetails')
                ? { contentDetails: { relatedPlaylists: { likes: '', uploads: `UU${YT_CHANNEL.slice(2)}` } } }
                : {}),
            },
          ],
        },
      };
    });
    this.api('GET', '/playlistItems', 1, (req) => {
      if (req.query.playlistId !== `UU${YT_CHANNEL.slice(2)}`) {
        return googleError(
          404,
          'playlistNotFound',
          "The playlist identified with the request's playlistId parameter cannot be found.",
        );
      }
      const size = this.maxResults(req, 5, 0, 50);
      if (typeof size !== 'number') return size;
      const all = [...this.videos].sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
      return {
        body: {
          kind: 'youtube#playlistItemListResponse',
          items: all.slice(0, size).map((v) => ({
            kind: 'youtube#playlistItem',
            id: `pi-${v.id}`,
            contentDetails: { videoId: v.id, videoPublishedAt: v.publishedAt },
          })),
        },
      };
    });
    this.api('GET', '/videos', 1, (req) => {
      const ids = (req.query.id ?? '').split(',').filter((x) => x !== '');
      if (ids.length > 50) return googleError(400, 'invalidArgument', 'Too many ids');
      return {
        body: {
          kind: 'youtube#videoListResponse',
          items: this.videos.filter((v) => ids.includes(v.id)).map((v) => this.videoResource(v)),
        },
      };
    });
    this.api('PUT', '/videos', 50, (req) => {
      if (req.query.part !== 'snippet') return googleError(400, 'invalidPart', 'part must be snippet here');
      const body = req.fields as { id?: unknown; snippet?: Record<string, unknown> };
      const v = this.videos.find((x) => x.id === body.id);
      if (!v)
        return googleError(404, 'videoNotFound', 'The video that you are trying to update cannot be found.');
      const s = body.snippet ?? {};
      if (typeof s.title !== 'string' || s.title === '') {
        return googleError(
          400,
          'invalidTitle',
          'The request metadata specifies an invalid or empty video title.',
        );
      }
      if (typeof s.categoryId !== 'string') {
        return googleError(
          400,
          'invalidCategoryId',
          'The snippet.categoryId property specifies an invalid category ID.',
        );
      }
      this.updates.push({ id: v.id, snippet: s });
      // snippet is replaced as a whole: properties left out are cleared (tags, description).
      v.title = s.title;
      v.description = typeof s.description === 'string' ? s.description : '';
      v.tags = Array.isArray(s.tags) ? (s.tags as string[]) : undefined;
      v.categoryId = s.categoryId;
      v.version++;
      return { body: this.videoResource(v) };
    });
  }

  /** A route that checks the bearer token, requires `part` and charges `cost` units first. */
  private api(method: string, path: string, cost: number, handler: (req: RouteRequest) => RouteAnswer): void {
    this.route(method, path, (req) => {
      const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!this.accessTokens.has(bearer)) {
        return googleError(401, 'authError', 'Invalid Credentials', 'global');
      }
      if (!req.query.part) return googleError(400, 'required', 'Required parameter: part', 'global');
      if (this.unitsUsed + cost > this.dailyQuota) {
        return googleError(
          403,
          'quotaExceeded',
          'The request cannot be completed because you have exceeded your quota.',
          'youtube.quota',
        );
      }
      this.unitsUsed += cost;
      return handler(req);
    });
  }

  private maxResults(req: RouteRequest, dflt: number, min: number, max: number): number | RouteAnswer {
    const n = req.query.maxResults === undefined ? dflt : Number(req.query.maxResults);
    if (!Number.isInteger(n) || n < min || n > max) {
      return googleError(400, 'invalidParameter', `Invalid value for maxResults: ${req.query.maxResults}`);
    }
    return n;
  }

  private comment(c: FakeComment, videoId: string, parentId?: string) {
    return {
      kind: 'youtube#comment',
      etag: `etag-${c.id}`,
      id: c.id,
      snippet: {
        channelId: YT_CHANNEL,
        videoId,
        textDisplay: c.text,
        textOriginal: c.text,
        ...(parentId ? { parentId } : {}),
        authorDisplayName: c.author,
        authorChannelUrl: `http://www.youtube.com/channel/${c.authorChannelId}`,
        authorChannelId: { value: c.authorChannelId },
        canRate: true,
        viewerRating: 'none',
        likeCount: 0,
        publishedAt: c.publishedAt,
        updatedAt: c.publishedAt,
      },
    };
  }

  private videoResource(v: FakeVideo) {
    return {
      kind: 'youtube#video',
      etag: `etag-${v.id}-${v.version}`,
      id: v.id,
      snippet: {
        publishedAt: v.publishedAt,
        channelId: YT_CHANNEL,
        title: v.title,
        description: v.description,
        thumbnails: {
          default: { url: `https://i.ytimg.com/vi/${v.id}/default.jpg`, width: 120, height: 90 },
        },
        channelTitle: 'City Hospital',
        ...(v.tags ? { tags: v.tags } : {}),
        categoryId: v.categoryId,
        liveBroadcastContent: 'none',
        localized: { title: v.title, description: v.description },
      },
    };
  }

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  env(): Record<string, string> {
    return { ...YOUTUBE_ENV, YOUTUBE_API_URL: this.url, YOUTUBE_OAUTH_TOKEN_URL: this.tokenUrl };
  }

  thread(id: string, videoId: string, top: Omit<FakeComment, 'id'>, replies: FakeComment[] = []): this {
    this.threads.push({ id, videoId, top: { id, ...top }, replies });
    return this;
  }

  video(v: Omit<FakeVideo, 'version' | 'categoryId'> & { categoryId?: string }): this {
    this.videos.push({ categoryId: '27', version: 1, ...v });
    return this;
  }
}
