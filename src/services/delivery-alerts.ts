/**
 * Scheduled deliveries (the daily digest, the weekly report) that could not be posted are not left to the logs:
 * the approvers get one DM per failed delivery with the reason and the fix, and `/smx status` and the Home tab show
 * the last failure until a later delivery to that channel succeeds.
 *
 * One DM per failed delivery across instances and retries: the alert is claimed by insert (`alert:<delivery key>`).
 */
import type { WebClient } from '@slack/web-api';
import { DeliveryState } from '../../models/delivery-state';
import type { SmxContext } from '../context';
import { formatLocal } from '../slack/time';
import { approverUserIds } from './approvers';
import { tryClaim } from './claims';

export type DeliveryKind = 'digest' | 'report';

const WHAT: Record<DeliveryKind, string> = {
  digest: "today's reviews digest",
  report: "this week's metrics report",
};

export interface FailureExplained {
  reason: string;
  fix: string;
}

function slackCode(err: unknown): string | undefined {
  const e = err as { data?: { error?: unknown }; code?: unknown } | undefined;
  if (typeof e?.data?.error === 'string') return e.data.error;
  if (e?.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  return undefined;
}

/** Why Slack refused, and what a person can do about it, for the errors a channel post can meet. */
export function explainSlackFailure(err: unknown, channel: string): FailureExplained {
  const code = slackCode(err);
  switch (code) {
    case 'not_in_channel':
      return {
        reason: `smx is not a member of <#${channel}> (not_in_channel)`,
        fix: `type \`/invite @smx\` in <#${channel}>`,
      };
    case 'channel_not_found':
      return {
        reason: `Slack knows no channel ${channel} that smx can see (channel_not_found)`,
        fix: 'check the channel id in SMX_DIGEST_CHANNEL / SMX_FACILITY_CHANNELS (channel details → bottom) and restart smx; for a private channel, invite smx first',
      };
    case 'is_archived':
      return {
        reason: `<#${channel}> is archived (is_archived)`,
        fix: 'unarchive the channel, or set another channel id and restart smx',
      };
    case 'ratelimited':
    case 'rate_limited':
      return {
        reason: 'Slack kept rate-limiting smx after its retries (ratelimited)',
        fix: 'nothing to change; smx tries again at the next scheduled time or when it restarts',
      };
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'account_inactive':
      return {
        reason: `Slack no longer accepts smx's token (${code})`,
        fix: 'reinstall the Slack app and put the new Bot User OAuth Token in SLACK_BOT_TOKEN, then restart smx',
      };
    case 'missing_scope':
      return {
        reason: 'the Slack app lacks a permission it needs (missing_scope)',
        fix: 'reinstall the Slack app from manifest.json so it gets chat:write and files:write, then restart smx',
      };
    default:
      return {
        reason: code
          ? `Slack refused the message (${code})`
          : `the post failed (${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'})`,
        fix: 'smx tries again at the next scheduled time or when it restarts; if it keeps failing, check the smx logs',
      };
  }
}

export const DELIVERY_MESSAGES = {
  alert: (kind: DeliveryKind, channel: string, f: FailureExplained) =>
    `:warning: smx could not post ${WHAT[kind]} in <#${channel}>: ${f.reason}. Fix: ${f.fix}. ` +
    'smx posts it when it next runs (on schedule, or at once when restarted the same day). `/smx status` shows this too.',
  statusLine: (kind: DeliveryKind, channel: string, at: string, f: FailureExplained) =>
    `:warning: Last ${kind === 'digest' ? 'digest' : 'weekly report'} to <#${channel}> failed ${at}: ${f.reason} — fix: ${f.fix}`,
} as const;

/**
 * Records a failed delivery and DMs every approver once for it (`key` is the delivery's claim key, e.g.
 * `digest:C0123:2026-12-01`). Never throws: an alert that cannot be sent is logged, the failure stays recorded.
 */
export async function reportDeliveryFailure(
  ctx: SmxContext,
  client: WebClient,
  input: { kind: DeliveryKind; channel: string; key: string; error: unknown },
): Promise<void> {
  const log = ctx.logger.child({ kind: input.kind, channel: input.channel, key: input.key });
  const f = explainSlackFailure(input.error, input.channel);
  const now = ctx.now();
  try {
    await DeliveryState.updateOne(
      { _id: `${input.kind}:${input.channel}` },
      {
        $set: {
          kind: input.kind,
          channel: input.channel,
          lastFailureAt: now,
          lastFailure: f.reason,
          fix: f.fix,
        },
      },
      { upsert: true },
    );
    if (!(await tryClaim(`alert:${input.key}`, ctx.instanceId, now))) return;
    const approvers = await approverUserIds(ctx, client);
    if (approvers.length === 0) log.warn('delivery failed and no SMX_APPROVERS to tell');
    for (const user of approvers) {
      try {
        const open = await client.conversations.open({ users: user });
        if (open.channel?.id) {
          await client.chat.postMessage({
            channel: open.channel.id,
            text: DELIVERY_MESSAGES.alert(input.kind, input.channel, f),
          });
        }
      } catch (err) {
        log.error({ err, user }, 'could not DM an approver about the failed delivery');
      }
    }
    log.warn({ reason: f.reason, told: approvers.length }, 'delivery failed; approvers told');
  } catch (err) {
    log.error({ err }, 'could not record or announce the failed delivery');
  }
}

/** A delivery went out: the channel's last failure (if any) is resolved. Never throws. */
export async function reportDeliverySuccess(
  ctx: SmxContext,
  kind: DeliveryKind,
  channel: string,
): Promise<void> {
  try {
    await DeliveryState.updateOne(
      { _id: `${kind}:${channel}` },
      { $set: { kind, channel, lastSuccessAt: ctx.now() } },
      { upsert: true },
    );
  } catch (err) {
    ctx.logger.warn({ err, kind, channel }, 'could not record the delivery');
  }
}

/** Failures not followed by a success on the same channel, newest first, as lines for `/smx status` and Home. */
export async function openDeliveryFailures(ctx: SmxContext): Promise<string[]> {
  const rows = await DeliveryState.find({ lastFailureAt: { $ne: null } })
    .sort({ lastFailureAt: -1 })
    .limit(10)
    .lean();
  return rows
    .filter((r) => r.lastFailureAt && (!r.lastSuccessAt || r.lastSuccessAt < r.lastFailureAt))
    .map((r) =>
      DELIVERY_MESSAGES.statusLine(
        r.kind as DeliveryKind,
        r.channel,
        formatLocal(r.lastFailureAt as Date, ctx.config.timezone, ctx.now()),
        { reason: r.lastFailure ?? 'unknown', fix: r.fix ?? 'check the smx logs' },
      ),
    );
}
