/**
 * Flickr: comments on the hospital's recent photos, as feedback. `flickr.people.getPhotos` (newest uploads first,
 * RECENT_PHOTOS of them) then `flickr.photos.comments.getList` per photo with `min_comment_date` = the newest comment
 * time already stored (the cursor, unix seconds). The account's own comments are skipped. An API key is enough:
 * these methods need no login.
 */

import { z } from 'zod';
import type { IncomingReview } from '../services/review-store';
import { commentsSchema, flickrCall, photoUrl, recentPhotos } from './flickr-api';
import { parseJsonCursor } from './http';
import type { FetchResult, ReviewSource } from './types';

const RECENT_PHOTOS = 20;

const cursorSchema = z.object({ newest: z.number().int().min(0) });

export const flickr: ReviewSource = {
  name: 'flickr',
  label: 'Flickr comments',
  setupHint: 'set FLICKR_API_KEY and FLICKR_USER_ID (Flickr issues API keys to Pro accounts)',
  enabled: (config) => config.flickr !== undefined,
  async fetch(cursor, env): Promise<FetchResult> {
    const fl = env.config.flickr;
    if (!fl) return { items: [], nextCursor: cursor };
    const since = parseJsonCursor(cursorSchema, cursor, { newest: 0 }).newest;
    const photos = await recentPhotos(fl, env.retry, RECENT_PHOTOS);
    const items: IncomingReview[] = [];
    let newest = since;
    for (const p of photos.photo) {
      const answer = await flickrCall(
        fl,
        env.retry,
        'flickr.photos.comments.getList',
        // min_comment_date is inclusive: the comment at the cursor comes again and is stored once (unique index).
        { photo_id: p.id, ...(since > 0 ? { min_comment_date: since } : {}) },
        commentsSchema,
      );
      for (const c of answer.comments.comment) {
        const at = Number(c.datecreate);
        if (at < since) continue;
        if (at > newest) newest = at;
        if (c.author === fl.userId) continue; // the hospital answering on its own photo
        const text = c._content.trim();
        if (text === '') continue;
        items.push({
          source: 'flickr',
          externalId: `comment_${c.id}`,
          facility: fl.facility ?? null,
          rating: null,
          text: text.slice(0, 5000),
          authorName: c.realname || c.authorname || null,
          url: c.permalink && /^https?:\/\//.test(c.permalink) ? c.permalink : photoUrl(fl, p.id),
          postedAt: new Date(at * 1000),
        });
      }
    }
    return { items, nextCursor: JSON.stringify({ newest }) };
  },
};
