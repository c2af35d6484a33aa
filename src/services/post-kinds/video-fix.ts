/**
 * New metadata for a YouTube video (Fix on `/smx videos`, services/video-fix.ts): the text is the new description,
 * checked against the #tag guideline and YouTube's 5,000-byte limit; the card names the video and the tags added;
 * YouTube's target applies it with a read–modify–write of the snippet and one `videos.update`. Not a post toward the
 * cadence.
 */
import { findTarget } from '../../adapters/targets';
import { escapeMrkdwn, linkOutside } from '../../slack/text';
import { checkPost } from '../post-checks';
import type { PostKind } from './types';

/** YouTube's limit on a video description (5,000 bytes). */
export const YOUTUBE_DESCRIPTION_MAX_BYTES = 5000;

export const postKindVideoFix: PostKind = {
  name: 'video_fix',
  noun: 'Video fix',
  shortIdPrefix: 'P',
  doneWord: 'Applied',
  editable: true,
  previewsLinks: false,
  countsTowardCadence: false,
  phiMode: 'post',
  phiText: (p) => p.text,
  check(text, _targets, guideline) {
    // The tag guideline as for any post; YouTube's own length limit instead of X's or Facebook's.
    const r = checkPost(text, [], guideline);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > YOUTUBE_DESCRIPTION_MAX_BYTES) {
      r.errors.push(
        `Too long for a YouTube description: ${bytes}/${YOUTUBE_DESCRIPTION_MAX_BYTES} bytes — shorten it by ${bytes - YOUTUBE_DESCRIPTION_MAX_BYTES}.`,
      );
    } else {
      r.passed.push(`YouTube description ${bytes}/${YOUTUBE_DESCRIPTION_MAX_BYTES} bytes`);
    }
    return r;
  },
  cardIntro(p) {
    const d = p.details ?? {};
    const missing = Array.isArray(d.missing)
      ? d.missing.filter((t): t is string => typeof t === 'string')
      : [];
    const videoId = typeof d.videoId === 'string' ? d.videoId : '';
    const title = typeof d.title === 'string' && d.title !== '' ? d.title : 'the video';
    const url = `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}`;
    return `:film_frames: *Video metadata fix* for ${linkOutside(url, title)}: adds ${escapeMrkdwn(
      missing.map((t) => `#${t}`).join(' '),
    )} to its description and tags. The new description:`;
  },
  showsText: true,
  target: (name) => findTarget(name, 'video_fix'),
  publishInput: (p) => ({ kind: 'video_fix', details: p.details ?? null }),
};
