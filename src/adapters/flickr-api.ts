/**
 * Flickr's REST API (`GET {FLICKR_API_URL}?method=flickr.…&api_key=…&format=json&nojsoncallback=1`), read-only with
 * an API key. Flickr answers HTTP 200 for its own errors, `{stat: "fail", code, message}`: code 100 (bad key) and
 * 99/98 are credentials, 105 a temporary outage, 1–2 "not found" (a user or photo id that is wrong or private).
 */
import { z } from 'zod';
import type { FlickrConfig } from '../config';
import { fetchJson, type RetryPolicy, SourceError } from './http';

function classify(status: number, body: unknown): SourceError | undefined {
  const b = body as { stat?: unknown; code?: unknown; message?: unknown } | undefined;
  if (b?.stat !== 'fail') return undefined;
  const code = Number(b.code);
  const msg = typeof b.message === 'string' ? b.message.slice(0, 200) : 'error';
  if (code === 100 || code === 98 || code === 99)
    return new SourceError(
      'auth',
      `Flickr refused the API key (code ${code}): ${msg} — check FLICKR_API_KEY`,
      { status },
    );
  if (code === 105 || code === 106)
    return new SourceError('upstream', `Flickr is having trouble (code ${code}): ${msg}`, { status });
  return new SourceError('bad_response', `Flickr said no (code ${code}): ${msg}`, { status });
}

export async function flickrCall<S extends z.ZodType>(
  fl: FlickrConfig,
  retry: RetryPolicy,
  method: string,
  params: Record<string, string | number | undefined>,
  schema: S,
): Promise<z.output<S>> {
  return fetchJson(
    {
      url: fl.apiUrl,
      query: { method, api_key: fl.apiKey, format: 'json', nojsoncallback: 1, ...params },
      schema,
      classify,
      what: `Flickr ${method}`,
    },
    retry,
  );
}

const num = z.union([z.number(), z.string().regex(/^\d+$/)]).transform((v) => Number(v));
const content = z.object({ _content: z.string() });

export const photosSchema = z.object({
  photos: z.object({
    page: num,
    pages: num,
    total: num.optional(),
    photo: z
      .array(
        z.object({
          id: z.string(),
          owner: z.string().optional(),
          title: z.string().default(''),
          dateupload: z.string().optional(),
          pathalias: z.string().nullish(),
        }),
      )
      .default([]),
  }),
});
export type FlickrPhoto = z.output<typeof photosSchema>['photos']['photo'][number];

export const commentsSchema = z.object({
  comments: z.object({
    photo_id: z.string().optional(),
    comment: z
      .array(
        z.object({
          id: z.string(),
          author: z.string(),
          authorname: z.string().optional(),
          realname: z.string().optional(),
          datecreate: z.string().regex(/^\d+$/),
          permalink: z.string().optional(),
          _content: z.string().default(''),
        }),
      )
      .default([]),
  }),
});

export const photosetsSchema = z.object({
  photosets: z.object({
    photoset: z
      .array(
        z.object({
          id: z.string(),
          title: content,
          photos: num.optional(),
          date_update: z.string().optional(),
        }),
      )
      .default([]),
  }),
});

export const photoInfoSchema = z.object({
  photo: z.object({
    id: z.string(),
    title: content,
    owner: z.object({ nsid: z.string(), path_alias: z.string().nullish() }).partial().optional(),
  }),
});

/** A photo's page (flickr.com/photos/{user}/{id}); the user id (NSID) always works there. */
export function photoUrl(fl: FlickrConfig, photoId: string): string {
  return `https://www.flickr.com/photos/${encodeURIComponent(fl.userId)}/${encodeURIComponent(photoId)}`;
}

export function albumUrl(fl: FlickrConfig, albumId: string): string {
  return `https://www.flickr.com/photos/${encodeURIComponent(fl.userId)}/albums/${encodeURIComponent(albumId)}`;
}

/** The user's most recent photos, newest first (one page of up to `perPage`). */
export async function recentPhotos(fl: FlickrConfig, retry: RetryPolicy, perPage: number, page = 1) {
  const answer = await flickrCall(
    fl,
    retry,
    'flickr.people.getPhotos',
    { user_id: fl.userId, extras: 'date_upload,path_alias', per_page: perPage, page },
    photosSchema,
  );
  return answer.photos;
}
