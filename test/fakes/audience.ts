/**
 * Small fakes for the audience snapshot: Graph `GET /{page}?fields=fan_count,followers_count` and X
 * `GET /2/users/me?user.fields=public_metrics`. (The full Graph/X fakes for ingest and publishing live elsewhere.)
 */
import { json, listen } from './http';

export interface FakeAudience {
  graphUrl: string;
  xUrl: string;
  fb: { fan_count: number; followers_count: number };
  xFollowers: number;
  /** Next answers fail with this status (and a Graph/X style error body) while > 0. */
  failFacebook: number;
  failX: number;
  requests: Array<{ method: string; url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

export async function startFakeAudience(pageId = 'page1'): Promise<FakeAudience> {
  const state: Omit<FakeAudience, 'graphUrl' | 'xUrl' | 'close'> = {
    fb: { fan_count: 900, followers_count: 1000 },
    xFollowers: 250,
    failFacebook: 0,
    failX: 0,
    requests: [],
  };
  const graph = await listen((req, res) => {
    state.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    const url = new URL(req.url ?? '/', 'http://x');
    if (state.failFacebook > 0) {
      state.failFacebook--;
      json(res, 400, { error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190 } });
      return;
    }
    if (req.method === 'GET' && url.pathname === `/v21.0/${pageId}`) {
      const fields = (url.searchParams.get('fields') ?? '').split(',');
      const body: Record<string, unknown> = { id: pageId };
      if (fields.includes('fan_count')) body.fan_count = state.fb.fan_count;
      if (fields.includes('followers_count')) body.followers_count = state.fb.followers_count;
      json(res, 200, body);
      return;
    }
    json(res, 404, { error: { message: 'Unknown path', code: 803 } });
  });
  const x = await listen((req, res) => {
    state.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    const url = new URL(req.url ?? '/', 'http://x');
    if (state.failX > 0) {
      state.failX--;
      json(
        res,
        429,
        { title: 'Too Many Requests', status: 429, detail: 'Too Many Requests' },
        {
          'x-rate-limit-limit': '75',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': '9999999999',
        },
      );
      return;
    }
    if (req.method === 'GET' && url.pathname === '/2/users/me') {
      const withMetrics = (url.searchParams.get('user.fields') ?? '').includes('public_metrics');
      json(res, 200, {
        data: {
          id: '42',
          name: 'City Hospital',
          username: 'cityhospital',
          ...(withMetrics
            ? { public_metrics: { followers_count: state.xFollowers, following_count: 10, tweet_count: 5 } }
            : {}),
        },
      });
      return;
    }
    json(res, 404, { title: 'Not Found', status: 404 });
  });
  return Object.assign(state, {
    graphUrl: `${graph.url}/v21.0`,
    xUrl: x.url,
    async close() {
      await graph.close();
      await x.close();
    },
  });
}
