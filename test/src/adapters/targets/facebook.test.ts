import { PublishError, withRetries } from '../../../../src/adapters/targets/base';
import { facebookTarget } from '../../../../src/adapters/targets/facebook';
import { type Config, loadConfig } from '../../../../src/config';
import { type FakeServer, json, listen, readRaw } from '../../../fakes/http';

function configFor(graphUrl: string): Config {
  const r = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-1',
    SLACK_SIGNING_SECRET: 's',
    FACEBOOK_PAGE_ID: '1000001',
    FACEBOOK_PAGE_TOKEN: 'page-token',
    FACEBOOK_GRAPH_URL: graphUrl,
  });
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.config;
}

const input = { postId: 'p1', shortId: 'P-1', text: 'Flu clinic open Saturday' };

/** A publisher retry policy that records its waits instead of sleeping. */
function recordingPolicy(maxAttempts: number) {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  return { waits, policy: { maxAttempts, baseDelayMs: 1, maxWaitMs: 1000, sleep } };
}

describe('Facebook target on the shared HTTP base and retry engine', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('publishes once with the page token as a form post', async () => {
    const bodies: string[] = [];
    server = await listen(async (req, res) => {
      bodies.push((await readRaw(req)).toString());
      json(res, 200, { id: '1000001_42' });
    });
    const published = await facebookTarget.publish(input, configFor(server.url), { timeoutMs: 2000 });
    expect(published).toEqual({ externalId: '1000001_42', url: 'https://www.facebook.com/1000001_42' });
    expect(bodies).toHaveLength(1);
    expect(new URLSearchParams(bodies[0]).get('message')).toBe(input.text);
    expect(new URLSearchParams(bodies[0]).get('access_token')).toBe('page-token');
  });

  test('no answer after sending is unknown and is never sent again', async () => {
    let posts = 0;
    server = await listen(async (req, res) => {
      posts++;
      await readRaw(req);
      // Graph got it but answers too late (margins wide enough for a loaded 2-core machine, where a 150 ms budget
      // could run out before the request was even sent)
      await new Promise((r) => setTimeout(r, 2500));
      if (!res.writableEnded && !res.destroyed) json(res, 200, { id: 'late' });
    });
    const config = configFor(server.url);
    const { waits, policy } = recordingPolicy(4);
    const err = await withRetries(
      () => facebookTarget.publish(input, config, { timeoutMs: 1000 }),
      policy,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as PublishError).kind).toBe('unknown');
    expect(posts).toBe(1);
    expect(waits).toEqual([]);
  });

  test('a refused connection cannot have published: it is retried, boundedly', async () => {
    server = await listen((_req, res) => json(res, 200, { id: 'never' }));
    const url = server.url;
    await server.close();
    server = undefined;
    const { waits, policy } = recordingPolicy(3);
    const err = await withRetries(
      () => facebookTarget.publish(input, configFor(url), { timeoutMs: 500 }),
      policy,
    ).catch((e: unknown) => e);
    expect((err as PublishError).kind).toBe('retryable');
    expect((err as PublishError).message).toMatch(/^Facebook: could not connect \(ECONNREFUSED\)/);
    expect(waits).toHaveLength(2);
  });

  test('a throttled 400 is retryable with the asked wait; another 400 is permanent', async () => {
    const answers = [
      () => ({ status: 400, headers: { 'retry-after': '3' }, body: { error: { message: 'slow', code: 4 } } }),
      () => ({ status: 400, headers: {}, body: { error: { message: 'no', code: 200 } } }),
    ];
    let n = 0;
    server = await listen(async (req, res) => {
      await readRaw(req);
      const a = answers[n++]?.() ?? { status: 500, headers: {}, body: {} };
      json(res, a.status, a.body, a.headers);
    });
    const config = configFor(server.url);
    const limited = await facebookTarget.publish(input, config, { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ kind: 'retryable', options: { status: 400, retryAfterMs: 3000 } });
    const refused = await facebookTarget.publish(input, config, { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'permanent', message: 'Facebook answered 400: no' });
  });
});
