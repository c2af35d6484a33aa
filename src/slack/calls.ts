/**
 * Slack Web API calls that must not fail on a passing rate limit. HTTP 429 is retried by the WebClient itself;
 * an HTTP 200 `{ ok: false, error: 'ratelimited' }` is raised as a platform error and is retried here the same way
 * (its Retry-After when Slack sent one, else a short backoff).
 */

/** The `error` code of a Slack platform error (`not_in_channel`, `message_not_found` …), if it is one. */
export function slackErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const data = (err as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

function retryAfterMs(err: unknown): number | undefined {
  const meta = (err as { data?: { response_metadata?: { retryAfter?: unknown } } }).data?.response_metadata;
  return typeof meta?.retryAfter === 'number' ? meta.retryAfter * 1000 : undefined;
}

export const SLACK_RETRY = { attempts: 3, baseMs: 1000, maxWaitMs: 30_000 };

/** Runs `call`; on `ratelimited` waits and tries again, up to `SLACK_RETRY.attempts` in all. */
export async function withSlackRetry<T>(call: () => Promise<T>, policy = SLACK_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (slackErrorCode(err) !== 'ratelimited' || attempt >= policy.attempts) throw err;
      const wait = Math.min(retryAfterMs(err) ?? policy.baseMs * attempt, policy.maxWaitMs);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** What a person can do about a Slack error on a channel, in their terms. */
export function channelProblem(code: string | undefined, channel: string): string {
  switch (code) {
    case 'not_in_channel':
      return `smx isn't a member of <#${channel}> (\`not_in_channel\`) — type \`/invite @smx\` in <#${channel}>`;
    case 'channel_not_found':
      return `Slack can't find the channel ${channel} (\`channel_not_found\`) — check SMX_APPROVALS_CHANNEL, or invite smx with \`/invite @smx\` if it is private`;
    case 'is_archived':
      return `<#${channel}> is archived (\`is_archived\`) — unarchive it or set SMX_APPROVALS_CHANNEL to another channel`;
    case 'ratelimited':
      return 'Slack is rate-limiting smx right now (`ratelimited`) — try again in a minute';
    default:
      return `Slack refused the message (\`${code ?? 'unknown error'}\`)`;
  }
}
