/** Pure text for `/smx status` beyond the health lines. */
import type { GivenUp } from '../../services/slack-outbox';
import { formatLocal } from '../time';

/**
 * Slack notifications smx stopped trying to deliver (card updates, thread replies, DMs after a publish). The
 * publish outcome itself is stored either way; these lines say which message people did not get, and where the
 * outcome can still be read.
 */
export function givenUpLines(
  given: { count: number; items: readonly GivenUp[] },
  timezone: string,
  now: Date,
): string[] {
  if (given.count === 0) return [];
  const n = given.count === 1 ? '1 Slack notification' : `${given.count} Slack notifications`;
  const lines = [
    `:warning: ${n} could not be delivered and smx stopped trying. The outcomes are stored: see \`/smx audit <post id>\` or \`/smx queue\`.`,
    ...given.items.map(
      (g) =>
        `• *${g.post}*: ${g.label}${g.error ? ` — Slack said \`${g.error}\`` : ''} (${formatLocal(g.at, timezone, now)})`,
    ),
  ];
  if (given.count > given.items.length) lines.push(`• …and ${given.count - given.items.length} more`);
  return lines;
}
