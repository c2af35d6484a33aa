/**
 * Fake Flickr REST API (FLICKR_API_URL = `url`), shaped after Flickr's method docs: `GET /services/rest?method=…
 * &api_key=…&format=json&nojsoncallback=1`. flickr.people.getPhotos (per_page ≤ 500, page), flickr.photos.comments
 * .getList (min_comment_date, inclusive), flickr.photosets.getList and flickr.photos.getInfo. Errors come with HTTP
 * 200 as `{stat: "fail", code, message}` (100 invalid key, 1 photo not found, 2 unknown user); without
 * `nojsoncallback=1` Flickr wraps the JSON in `jsonFlickrApi(…)`, which is not JSON.
 */
import { FakeApi, type RouteAnswer } from './api';

export const FLICKR_USER = '12345678@N01';
export const FLICKR_ENV = { FLICKR_API_KEY: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', FLICKR_USER_ID: FLICKR_USER };

export interface FakeFlickrComment {
  id: string;
  author: string;
  authorname: string;
  datecreate: number;
  text: string;
}

export interface FakeFlickrPhoto {
  id: string;
  title: string;
  dateupload: number;
  comments: FakeFlickrComment[];
}

const fail = (code: number, message: string): RouteAnswer => ({ body: { stat: 'fail', code, message } });

export class FakeFlickr extends FakeApi {
  readonly photos: FakeFlickrPhoto[] = [];
  readonly albums: Array<{ id: string; title: string; photos: number }> = [];
  apiKey = FLICKR_ENV.FLICKR_API_KEY;

  constructor() {
    super('/services/rest');
    this.route('GET', '/', (req) => {
      const q = req.query;
      if (q.api_key !== this.apiKey) return fail(100, 'Invalid API Key (Key has invalid format)');
      if (q.format !== 'json' || q.nojsoncallback !== '1') return { body: 'jsonFlickrApi({"stat":"ok"})' };
      switch (q.method) {
        case 'flickr.people.getPhotos': {
          if (q.user_id !== FLICKR_USER) return fail(2, 'Unknown user');
          const per = Math.min(500, Number(q.per_page ?? 100));
          const page = Math.max(1, Number(q.page ?? 1));
          const all = [...this.photos].sort((a, b) => b.dateupload - a.dateupload);
          const items = all.slice((page - 1) * per, page * per);
          const extras = (q.extras ?? '').split(',');
          return {
            body: {
              photos: {
                page,
                pages: Math.max(1, Math.ceil(all.length / per)),
                perpage: per,
                total: all.length,
                photo: items.map((p) => ({
                  id: p.id,
                  owner: FLICKR_USER,
                  secret: 'abc123',
                  server: '65535',
                  farm: 66,
                  title: p.title,
                  ispublic: 1,
                  isfriend: 0,
                  isfamily: 0,
                  ...(extras.includes('date_upload') ? { dateupload: String(p.dateupload) } : {}),
                  ...(extras.includes('path_alias') ? { pathalias: 'cityhospital' } : {}),
                })),
              },
              stat: 'ok',
            },
          };
        }
        case 'flickr.photos.comments.getList': {
          const p = this.photos.find((x) => x.id === q.photo_id);
          if (!p) return fail(1, 'Photo not found');
          const min = Number(q.min_comment_date ?? 0);
          const list = p.comments.filter((c) => c.datecreate >= min);
          return {
            body: {
              comments: {
                photo_id: p.id,
                ...(list.length > 0
                  ? {
                      comment: list.map((c) => ({
                        id: c.id,
                        author: c.author,
                        author_is_deleted: 0,
                        authorname: c.authorname,
                        datecreate: String(c.datecreate),
                        permalink: `https://www.flickr.com/photos/cityhospital/${p.id}/#comment${c.id}`,
                        path_alias: '',
                        realname: '',
                        _content: c.text,
                      })),
                    }
                  : {}),
              },
              stat: 'ok',
            },
          };
        }
        case 'flickr.photosets.getList': {
          if (q.user_id !== FLICKR_USER) return fail(1, 'User not found');
          return {
            body: {
              photosets: {
                page: 1,
                pages: 1,
                perpage: Number(q.per_page ?? 500),
                total: this.albums.length,
                photoset: this.albums.map((a) => ({
                  id: a.id,
                  primary: '1',
                  secret: 'abc',
                  server: '65535',
                  farm: 66,
                  photos: a.photos,
                  videos: 0,
                  title: { _content: a.title },
                  description: { _content: '' },
                  date_create: '1700000000',
                  date_update: '1700000000',
                })),
              },
              stat: 'ok',
            },
          };
        }
        case 'flickr.photos.getInfo': {
          const p = this.photos.find((x) => x.id === q.photo_id);
          if (!p) return fail(1, 'Photo not found');
          return {
            body: {
              photo: {
                id: p.id,
                owner: { nsid: FLICKR_USER, username: 'City Hospital', path_alias: 'cityhospital' },
                title: { _content: p.title },
                urls: {
                  url: [
                    { type: 'photopage', _content: `https://www.flickr.com/photos/cityhospital/${p.id}/` },
                  ],
                },
              },
              stat: 'ok',
            },
          };
        }
        default:
          return fail(112, `Method "${q.method}" not found`);
      }
    });
  }

  env(): Record<string, string> {
    return { ...FLICKR_ENV, FLICKR_API_URL: this.url };
  }

  photo(p: Omit<FakeFlickrPhoto, 'comments'> & { comments?: FakeFlickrComment[] }): this {
    this.photos.push({ comments: [], ...p });
    return this;
  }
}
