/**
 * `/smx repost <X post URL or id> [when]`: drafts a repost (retweet) of a post — the hospital's own evergreen post or
 * a partner's health notice — as a post of kind `repost` to the X target. It goes through the same approval card and
 * publisher; X's target sends `POST /2/users/{id}/retweets` once. The post is looked up first, so the card shows
 * whose post and what it says, and a deleted one is refused before anyone approves it.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { retryPolicy } from '../adapters/http';
import type { RepostDetails } from '../adapters/targets/x';
import { xCall } from '../adapters/x';
import { xClient } from '../adapters/x-client';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { truncate } from '../slack/text';
import type { PostView } from './post-view';
import { createPost, resolveTargets } from './posts';
import { readFrom } from './upstream';
import { parseWhen, type When } from './when';

export const REPOST_MESSAGES = {
  usage:
    'Write it as `/smx repost <X post link or id> [when]`, e.g. `/smx repost https://x.com/WHO/status/1861234567890123456 tomorrow 9am`. Nothing was scheduled.',
  notFound: (id: string) =>
    `X has no post ${id} (it was deleted, or the account is private or suspended), so there is nothing to repost. Nothing was scheduled.`,
} as const;

const URL_ID =
  /^<?https?:\/\/(?:www\.|mobile\.)?(?:x|twitter)\.com\/(?:[A-Za-z0-9_]{1,15}|i(?:\/web)?)\/status(?:es)?\/(\d{1,19})(?:[/?#][^\s>]*)?>?$/i;

export function parseRepostArgs(ctx: SmxContext, args: string): { tweetId: string; when: When } {
  const [first = '', ...rest] = args.trim().split(/\s+/);
  const id = /^\d{1,19}$/.test(first) ? first : URL_ID.exec(first)?.[1];
  if (!id) throw new SmxError('BAD_INPUT', REPOST_MESSAGES.usage);
  const whenText = rest.join(' ').trim();
  const when =
    whenText === '' ? { now: true, at: ctx.now() } : parseWhen(whenText, ctx.now(), ctx.config.timezone);
  return { tweetId: id, when };
}

const lookupSchema = z.object({
  data: z.object({ id: z.string(), text: z.string(), author_id: z.string().optional() }).optional(),
  includes: z
    .object({ users: z.array(z.object({ id: z.string(), username: z.string() })).optional() })
    .optional(),
});

export async function draftRepost(
  ctx: SmxContext,
  client: WebClient,
  args: string,
  userId: string,
  originChannel?: string,
): Promise<PostView> {
  const targets = resolveTargets(ctx, ['x']);
  const { tweetId, when } = parseRepostArgs(ctx, args);
  const tw = ctx.config.twitter;
  if (!tw) throw new SmxError('NOT_CONFIGURED', REPOST_MESSAGES.usage);
  const x = xClient(tw);
  const answer = await readFrom('X', () =>
    xCall(
      'X post lookup',
      () => x.v2.get(`tweets/${tweetId}`, { expansions: 'author_id', 'user.fields': 'username' }),
      retryPolicy({ now: ctx.now }),
    ),
  );
  const found = lookupSchema.safeParse(answer);
  const tweet = found.success ? found.data.data : undefined;
  // A deleted post is answered 200 with `errors` and no `data` (resource-not-found).
  if (!tweet) throw new SmxError('NOT_FOUND', REPOST_MESSAGES.notFound(tweetId));
  const author = found.data?.includes?.users?.find((u) => u.id === tweet.author_id)?.username ?? null;
  const url = `https://x.com/${author ?? 'i/web'}/status/${tweet.id}`;
  const details: RepostDetails = { tweetId: tweet.id, url, author, text: truncate(tweet.text, 1000) };
  return createPost(ctx, client, {
    authorId: userId,
    targets,
    when,
    text: `Repost of ${author ? `@${author}` : 'a post'}: ${url}`,
    originChannel,
    kind: 'repost',
    details,
  });
}
