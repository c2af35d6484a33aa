import type { KnownBlock } from '@slack/types';
import { type DigestPreview, previewDigests } from '../../../src/services/digest';
import { resolveFacility } from '../../../src/services/facilities';
import { quoteOutside } from '../../../src/slack/text';
import type { Subcommand } from './types';

export const NO_DIGEST_CHANNEL =
  'No digest channel is set up yet, so nothing will be posted: set `SMX_DIGEST_CHANNEL=C0123ABCD` (and optionally `SMX_FACILITY_CHANNELS=North Clinic=C0456`) and restart smx.';

function channelLine(p: DigestPreview): string {
  const where = p.target.channel ? `<#${p.target.channel}>` : 'no channel';
  const n = p.data.items.length;
  if (n === 0) return `${where}: quiet — no new items`;
  const neg = p.data.items.filter((i) => i.sentiment === 'negative').length;
  return `${where}: ${n} new item${n === 1 ? '' : 's'} (${neg} negative)`;
}

/** Which preview to draw: the facility's channel when one is named, else the first channel with new items. */
function pick(previews: DigestPreview[], facility: string): DigestPreview | undefined {
  if (facility) {
    const f = facility.toLowerCase();
    return (
      previews.find((p) => p.target.include?.some((x) => x.toLowerCase() === f)) ??
      previews.find((p) => p.target.include === undefined)
    );
  }
  return previews.find((p) => p.data.items.length > 0) ?? previews[0];
}

export const digest: Subcommand = {
  name: 'digest',
  summary: 'Preview (only to you) what the next reviews digest will contain; nothing is posted or marked.',
  example: '/smx digest',
  async run({ ctx, args, respond }) {
    const typed = args.trim();
    const facility = typed === '' ? '' : await resolveFacility(ctx.config, typed, '/smx digest');
    const previews = await previewDigests(ctx);
    const chosen = pick(previews, facility);
    const configured = previews.some((p) => p.target.channel !== '');
    const intro = [
      `Only you can see this — nothing was posted or marked. Next digest on schedule \`${ctx.config.digest.cron}\` (${ctx.config.timezone}).`,
      configured ? previews.slice(0, 8).map(channelLine).join(' · ') : NO_DIGEST_CHANNEL,
    ];
    if (args.trim() && chosen?.target.include === undefined) {
      intro.push(`(${quoteOutside(args, 60)} has no channel of its own; showing the main digest.)`);
    }
    const first = chosen?.messages[0];
    const introBlock: KnownBlock = {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: intro.join('\n').slice(0, 550) }],
    };
    await respond({
      response_type: 'ephemeral',
      text: `${intro[0]} ${first?.text ?? ''}`,
      blocks: [introBlock, ...((first?.blocks ?? []) as KnownBlock[])],
    });
  },
};
