import type { KnownBlock } from '@slack/types';
import type { SourceRow } from '../../services/sources-report';
import { escapeMrkdwn, quoteOutside } from '../text';
import { formatLocal } from '../time';
import type { SlackMessage } from './help';

const when = (d: Date | null, tz: string) => (d ? formatLocal(d, tz) : 'never');

function status(r: SourceRow): string {
  if (r.on === false) return ':white_circle:';
  if (r.lastError) return ':red_circle:';
  if (r.unavailable) return ':large_yellow_circle:';
  if (r.lastSuccessAt) return ':large_green_circle:';
  return r.on ? ':large_blue_circle:' : ':white_circle:';
}

function line(r: SourceRow, tz: string): string {
  const head = `${status(r)} *${escapeMrkdwn(r.label)}*`;
  const parts: string[] = [];
  if (r.on === false) {
    parts.push(`${head} — *off*: ${escapeMrkdwn(r.setupHint ?? 'not configured')}`);
  } else {
    const onOff = r.on === true ? 'on' : r.kind === 'import' ? 'import' : '';
    const items =
      r.items === null ? '' : ` · ${r.items.toLocaleString('en-US')} item${r.items === 1 ? '' : 's'} stored`;
    parts.push(`${head}${onOff ? ` — ${onOff}` : ''}${items}`);
    parts.push(
      `Last success: ${when(r.lastSuccessAt, tz)}${r.on === true && !r.lastRunAt ? ' (not run yet)' : ''}`,
    );
  }
  if (r.on === false && r.items) parts.push(`${r.items.toLocaleString('en-US')} items stored from earlier`);
  if (r.lastError) {
    parts.push(`:warning: Last error (${when(r.lastErrorAt, tz)}): ${quoteOutside(r.lastError, 300)}`);
  } else if (r.on !== false) {
    parts.push('Last error: none');
  }
  if (r.unavailable) parts.push(`:information_source: ${quoteOutside(r.unavailable, 300)}`);
  for (const n of r.notes) parts.push(escapeMrkdwn(n));
  return parts.join('\n');
}

/** `/smx sources`: one section per source, then other feeds (audience snapshots…) in one generic list. */
export function sourcesMessage(rows: readonly SourceRow[], timezone: string): SlackMessage {
  const main = rows.filter((r) => r.kind !== 'other');
  const other = rows.filter((r) => r.kind === 'other');
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Review and feedback sources' } },
  ];
  // 50 blocks per message: sources are few, but keep room for the header, the other feeds and the footer.
  for (const r of main.slice(0, 40))
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: line(r, timezone) } });
  if (main.length > 40) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${main.length - 40} more import sources not shown.` }],
    });
  }
  if (other.length > 0) {
    let text = '*Other feeds*';
    for (const r of other) {
      const l = `\n${r.lastError ? ':red_circle:' : ':large_green_circle:'} *${escapeMrkdwn(r.label)}* — last success ${when(r.lastSuccessAt, timezone)}${
        r.lastError
          ? ` · last error (${when(r.lastErrorAt, timezone)}): ${quoteOutside(r.lastError, 200)}`
          : ''
      }${r.unavailable ? ` · ${quoteOutside(r.unavailable, 200)}` : ''}`;
      if (text.length + l.length > 2900) {
        text += '\n…';
        break;
      }
      text += l;
    }
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  }
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `Times in ${escapeMrkdwn(timezone)}. Sources are fetched on SMX_INGEST_CRON.` },
    ],
  });
  const summary = main
    .map((r) => `${r.label}: ${r.on === false ? 'off' : r.lastError ? 'error' : r.on ? 'on' : 'import'}`)
    .join(', ');
  return { text: `Review sources — ${summary}`, blocks };
}
