/**
 * Which YouTube video or Flickr photo a post links to, for the approval card: the title, looked up when the draft is
 * made (YouTube videos.list, 1 quota unit for up to 50 links; Flickr photos.getInfo per photo). A link that cannot
 * be looked up (not connected, not found, service down) is shown as such — the draft is never held up by it.
 */
import { flickrCall, photoInfoSchema } from '../adapters/flickr-api';
import { retryPolicy } from '../adapters/http';
import { videosById, youtubeToken } from '../adapters/youtube-api';
import type { SmxContext } from '../context';

export interface LinkPreview {
  service: 'youtube' | 'flickr';
  url: string;
  /** Null when it could not be looked up; `note` says why. */
  title: string | null;
  note: string | null;
}

const YOUTUBE_LINK =
  /https?:\/\/(?:www\.|m\.)?(?:youtube\.com\/(?:watch\?(?:[^\s#]*&)?v=|shorts\/|live\/)|youtu\.be\/)([A-Za-z0-9_-]{11})[^\s]*/g;
const FLICKR_LINK = /https?:\/\/(?:www\.)?flickr\.com\/photos\/[^/\s]+\/(\d{1,20})[^\s]*/g;
const MAX_LINKS = 5;

export function findLinks(text: string): Array<{ service: 'youtube' | 'flickr'; id: string; url: string }> {
  const out: Array<{ service: 'youtube' | 'flickr'; id: string; url: string }> = [];
  for (const m of text.matchAll(YOUTUBE_LINK))
    if (m[1]) out.push({ service: 'youtube', id: m[1], url: m[0] });
  for (const m of text.matchAll(FLICKR_LINK)) if (m[1]) out.push({ service: 'flickr', id: m[1], url: m[0] });
  return out
    .filter((l, i) => out.findIndex((o) => o.service === l.service && o.id === l.id) === i)
    .slice(0, MAX_LINKS);
}

export async function linkPreviews(ctx: SmxContext, text: string): Promise<LinkPreview[]> {
  const links = findLinks(text);
  if (links.length === 0) return [];
  const retry = retryPolicy({ now: ctx.now, maxAttempts: 2 });
  const out: LinkPreview[] = [];
  const videos = links.filter((l) => l.service === 'youtube');
  const titles = new Map<string, string>();
  let videoNote: string | null = null;
  const yt = ctx.config.youtube;
  if (videos.length > 0) {
    if (!yt) videoNote = 'YouTube is not connected, so the title was not looked up';
    else {
      try {
        const env = { retry, now: ctx.now };
        for (const v of await videosById(
          yt,
          env,
          await youtubeToken(yt, env),
          videos.map((l) => l.id),
        )) {
          titles.set(v.id, v.snippet.title);
        }
      } catch (err) {
        ctx.logger.warn({ err }, 'youtube link preview failed');
        videoNote = 'YouTube could not be asked for the title right now';
      }
    }
  }
  const fl = ctx.config.flickr;
  for (const l of links) {
    if (l.service === 'youtube') {
      const title = titles.get(l.id) ?? null;
      out.push({
        service: 'youtube',
        url: l.url,
        title,
        note: title ? null : (videoNote ?? 'no such video on YouTube (deleted or private?)'),
      });
      continue;
    }
    if (!fl) {
      out.push({
        service: 'flickr',
        url: l.url,
        title: null,
        note: 'Flickr is not connected, so the title was not looked up',
      });
      continue;
    }
    try {
      const info = await flickrCall(fl, retry, 'flickr.photos.getInfo', { photo_id: l.id }, photoInfoSchema);
      out.push({ service: 'flickr', url: l.url, title: info.photo.title._content || 'untitled', note: null });
    } catch (err) {
      ctx.logger.warn({ err }, 'flickr link preview failed');
      out.push({
        service: 'flickr',
        url: l.url,
        title: null,
        note: 'no such photo on Flickr, or Flickr could not be asked',
      });
    }
  }
  return out;
}
