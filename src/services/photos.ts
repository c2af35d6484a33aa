/** `/smx photos`: the hospital's recent Flickr photos and albums, with links to use in posts. */
import { albumUrl, flickrCall, photosetsSchema, photoUrl, recentPhotos } from '../adapters/flickr-api';
import { retryPolicy } from '../adapters/http';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { readFrom } from './upstream';

export const PHOTO_MESSAGES = {
  notConnected:
    'Flickr is not connected (set FLICKR_API_KEY and FLICKR_USER_ID; Flickr issues API keys to Pro accounts), so there are no photos to list.',
} as const;

export interface PhotoLink {
  id: string;
  title: string;
  url: string;
  uploadedAt: Date | null;
}

export interface AlbumLink {
  id: string;
  title: string;
  url: string;
  photos: number | null;
}

export interface PhotosReport {
  photos: PhotoLink[];
  albums: AlbumLink[];
}

export async function listPhotos(ctx: SmxContext, limit = 10): Promise<PhotosReport> {
  const fl = ctx.config.flickr;
  if (!fl) throw new SmxError('NOT_CONFIGURED', PHOTO_MESSAGES.notConnected);
  const retry = retryPolicy({ now: ctx.now });
  const [photos, sets] = await readFrom('Flickr', () =>
    Promise.all([
      recentPhotos(fl, retry, limit),
      flickrCall(
        fl,
        retry,
        'flickr.photosets.getList',
        { user_id: fl.userId, per_page: limit, page: 1 },
        photosetsSchema,
      ),
    ]),
  );
  return {
    photos: photos.photo.map((p) => ({
      id: p.id,
      title: p.title,
      url: photoUrl(fl, p.id),
      uploadedAt: p.dateupload ? new Date(Number(p.dateupload) * 1000) : null,
    })),
    albums: sets.photosets.photoset.map((a) => ({
      id: a.id,
      title: a.title._content,
      url: albumUrl(fl, a.id),
      photos: a.photos ?? null,
    })),
  };
}
