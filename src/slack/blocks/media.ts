/** `/smx videos` (metadata audit) and `/smx photos` (links for posts): pure builders. */
import type { KnownBlock } from '@slack/types';
import type { PhotosReport } from '../../services/photos';
import type { VideosReport } from '../../services/videos';
import { VIDEO_ACTION_IDS } from '../ids';
import { escapeMrkdwn, quoteOutside } from '../text';
import { formatLocalDate } from '../time';
import type { SlackMessage } from './help';

const MAX_VIDEOS = 20;

/** A link whose label is outside text: `|`, `<` and `>` would break the link syntax, so they are flattened. */
function link(url: string, label: string): string {
  return `<${url}|${quoteOutside(label, 120).replace(/\|/g, '¦') || url}>`;
}

export function videosMessage(r: VideosReport, timezone: string, canFix: boolean): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'YouTube videos vs the tag guideline' } },
  ];
  if (r.flagged.length === 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:white_check_mark: All ${r.checked} recent videos follow the #tag guideline.`,
      },
    });
    return { text: `All ${r.checked} recent YouTube videos follow the tag guideline.`, blocks };
  }
  for (const v of r.flagged.slice(0, MAX_VIDEOS)) {
    const when = v.publishedAt ? ` · ${formatLocalDate(new Date(v.publishedAt), timezone)}` : '';
    const section: KnownBlock = {
      type: 'section',
      block_id: `video:${v.id}`.slice(0, 255),
      text: {
        type: 'mrkdwn',
        text: `:warning: *${link(v.url, v.title)}*${when}\n${v.findings.map((f) => `• ${escapeMrkdwn(f)}`).join('\n')}`,
      },
    };
    if (canFix) {
      section.accessory = {
        type: 'button',
        action_id: VIDEO_ACTION_IDS.fix,
        text: { type: 'plain_text', text: 'Fix' },
        value: v.id,
      };
    }
    blocks.push(section);
  }
  const more = r.flagged.length > MAX_VIDEOS ? ` (${r.flagged.length - MAX_VIDEOS} more not shown)` : '';
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${r.flagged.length} of ${r.checked} recent videos miss tags${more}. ${
          canFix
            ? '*Fix* drafts the corrected description and tags; it goes to the approval card like a post and is applied on YouTube once approved.'
            : 'Add the missing tags to these videos in YouTube Studio; smx checks them again on the next `/smx videos`.'
        }`,
      },
    ],
  });
  return {
    text: `${r.flagged.length} of ${r.checked} recent YouTube videos miss tags from the guideline.`,
    blocks,
  };
}

export function photosMessage(r: PhotosReport, timezone: string): SlackMessage {
  const photoLines = r.photos.map(
    (p) =>
      `• ${link(p.url, p.title || 'untitled')}${p.uploadedAt ? ` · ${formatLocalDate(p.uploadedAt, timezone)}` : ''}\n   \`${p.url}\``,
  );
  const albumLines = r.albums.map(
    (a) =>
      `• ${link(a.url, a.title || 'untitled')}${a.photos === null ? '' : ` · ${a.photos} photos`}\n   \`${a.url}\``,
  );
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Flickr photos and albums' } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Recent photos*\n${photoLines.length === 0 ? 'No photos yet.' : photoLines.join('\n')}`.slice(
          0,
          3000,
        ),
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Albums*\n${albumLines.length === 0 ? 'No albums yet.' : albumLines.join('\n')}`.slice(
          0,
          3000,
        ),
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Paste a link into `/smx schedule`; the approval card shows which photo it is.',
        },
      ],
    },
  ];
  return { text: `Flickr: ${r.photos.length} recent photos, ${r.albums.length} albums.`, blocks };
}
