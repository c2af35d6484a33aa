/**
 * Start-up check that smx is a member of the channels it posts to (digest, approvals, facility channels): a missing
 * invite is the most common reason nobody sees a digest or an approval card. Warns with the fix; never stops smx.
 */
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config';
import type { Logger } from '../logger';

export interface ChannelProblem {
  variable: string;
  channel: string;
  problem: string;
}

function channelsToCheck(config: Config): Array<{ variable: string; channel: string }> {
  const out: Array<{ variable: string; channel: string }> = [];
  if (config.digest.channel) out.push({ variable: 'SMX_DIGEST_CHANNEL', channel: config.digest.channel });
  if (config.posts.approvalsChannel) {
    out.push({ variable: 'SMX_APPROVALS_CHANNEL', channel: config.posts.approvalsChannel });
  }
  for (const [facility, channel] of Object.entries(config.digest.facilityChannels)) {
    out.push({ variable: `SMX_FACILITY_CHANNELS (${facility})`, channel });
  }
  return out;
}

/** Asks conversations.info about each configured channel; returns what is wrong, in words an operator can act on. */
export async function checkChannels(client: WebClient, config: Config): Promise<ChannelProblem[]> {
  const problems: ChannelProblem[] = [];
  for (const { variable, channel } of channelsToCheck(config)) {
    try {
      const res = await client.conversations.info({ channel });
      const c = res.channel;
      if (c?.is_archived) {
        problems.push({
          variable,
          channel,
          problem: `channel ${channel} is archived; choose another channel`,
        });
      } else if (c && c.is_member !== true) {
        problems.push({
          variable,
          channel,
          problem: `smx is not a member of #${c.name ?? channel} (${channel}): type \`/invite @smx\` in that channel`,
        });
      }
    } catch (err) {
      const code = (err as { data?: { error?: unknown } }).data?.error;
      problems.push({
        variable,
        channel,
        problem:
          code === 'channel_not_found'
            ? `smx can't see channel ${channel}: check the ID, and for a private channel type \`/invite @smx\` in it first`
            : code === 'missing_scope'
              ? `smx can't check channel ${channel}: the app lacks the channels:read/groups:read scope (reinstall it from manifest.json)`
              : `smx could not check channel ${channel} (${typeof code === 'string' ? code : (err as Error).message})`,
      });
    }
  }
  return problems;
}

/** Logs one warning per problem; the app runs on regardless (channels can be fixed without a restart). */
export async function warnAboutChannels(
  client: WebClient,
  config: Config,
  logger: Logger,
): Promise<ChannelProblem[]> {
  const problems = await checkChannels(client, config);
  for (const p of problems)
    logger.warn({ variable: p.variable, channel: p.channel }, `${p.variable}: ${p.problem}`);
  return problems;
}
