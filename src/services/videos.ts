/**
 * The YouTube metadata audit behind `/smx videos`: the channel's recent uploads checked against the #tag guideline
 * (title, description and the video's tags together), and the corrected metadata a Fix would apply — the missing
 * tags appended to the description as hashtags and added to the video's tags.
 */
import { retryPolicy } from '../adapters/http';
import { type ChannelVideo, recentVideos, type VideoSnippet } from '../adapters/youtube-api';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { allMissing, missingTags, tagsIn } from './post-checks';
import { type Guideline, loadGuideline } from './tags';
import { readFrom } from './upstream';

export const VIDEO_MESSAGES = {
  notConnected:
    'YouTube is not connected (set YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET, YOUTUBE_REFRESH_TOKEN and YOUTUBE_CHANNEL_ID), so there are no videos to check.',
  noGuideline:
    'The #tag guideline is empty, so there is nothing to check videos against. Add tags with `/smx tags require #CityHospital` or `/smx tags add flu #FluSeason`.',
} as const;

/** YouTube's limit on all tags together (characters, a tag with a space counting its quotes). */
export const YOUTUBE_TAGS_MAX = 500;

export interface VideoAudit {
  id: string;
  title: string;
  url: string;
  publishedAt: string | undefined;
  missing: string[];
  /** Human-readable findings, like a post's tag warnings. */
  findings: string[];
}

export function videoText(s: Pick<VideoSnippet, 'title' | 'description'>): string {
  return `${s.title}\n${s.description}`;
}

export function auditVideo(v: ChannelVideo, guideline: Guideline): VideoAudit {
  const text = videoText(v.snippet);
  const present = tagsIn(text);
  for (const t of v.snippet.tags ?? []) present.add(t.replace(/^#/, '').toLowerCase());
  const m = missingTags(text, present, guideline);
  const findings = [
    ...(m.required.length > 0 ? [`missing required ${m.required.map((t) => `#${t}`).join(' ')}`] : []),
    ...m.topics.map((x) => `mentions '${x.topic}' without ${x.tags.map((t) => `#${t}`).join(' ')}`),
  ];
  return {
    id: v.id,
    title: v.snippet.title,
    url: `https://www.youtube.com/watch?v=${encodeURIComponent(v.id)}`,
    publishedAt: v.snippet.publishedAt,
    missing: allMissing(m),
    findings,
  };
}

function tagsLength(tags: readonly string[]): number {
  return tags.reduce((n, t) => n + t.length + (t.includes(' ') ? 2 : 0), 0) + Math.max(0, tags.length - 1);
}

/** The corrected snippet: missing tags appended to the description and added to the tags (within YouTube's limit). */
export function correctedSnippet(snippet: VideoSnippet, missing: readonly string[]): VideoSnippet {
  const description = `${snippet.description.trimEnd()}${snippet.description.trim() === '' ? '' : '\n\n'}${missing
    .map((t) => `#${t}`)
    .join(' ')}`;
  const tags = [...(snippet.tags ?? [])];
  for (const t of missing) {
    if (tags.some((x) => x.toLowerCase() === t.toLowerCase())) continue;
    if (tagsLength([...tags, t]) > YOUTUBE_TAGS_MAX) break;
    tags.push(t);
  }
  return { ...snippet, description, tags };
}

export interface VideosReport {
  checked: number;
  flagged: VideoAudit[];
}

export async function auditRecentVideos(ctx: SmxContext, limit = 25): Promise<VideosReport> {
  const yt = ctx.config.youtube;
  if (!yt) throw new SmxError('NOT_CONFIGURED', VIDEO_MESSAGES.notConnected);
  const guideline = await loadGuideline();
  if (guideline.required.length === 0 && guideline.topics.length === 0) {
    throw new SmxError('NOT_CONFIGURED', VIDEO_MESSAGES.noGuideline);
  }
  const videos = await readFrom('YouTube', () =>
    recentVideos(yt, { retry: retryPolicy({ now: ctx.now }), now: ctx.now }, limit),
  );
  const audits = videos.map((v) => auditVideo(v, guideline));
  return { checked: audits.length, flagged: audits.filter((a) => a.missing.length > 0) };
}
