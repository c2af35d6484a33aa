import { POST_KINDS } from '../../../models/post';
import { handTarget, postKind, postKinds } from '../../../src/services/post-kinds';
import { YOUTUBE_DESCRIPTION_MAX_BYTES } from '../../../src/services/post-kinds/video-fix';
import type { PostView } from '../../../src/services/post-view';

const guideline = { topics: [], required: ['CityHospital'] };

const view = (over: Partial<PostView>): PostView =>
  ({
    id: '1',
    shortId: 'P7K2Q',
    text: 'x',
    targets: ['x'],
    status: 'pending_approval',
    results: {},
    ...over,
  }) as PostView;

describe('post kinds registry', () => {
  test('one kind per stored name, each publishing through a target it names', () => {
    expect(postKinds.map((k) => k.name).sort()).toEqual([...POST_KINDS].sort());
    expect(postKind('post').target('x')?.name).toBe('x');
    expect(postKind('reply').target('google-reply')?.name).toBe('google-reply');
    expect(postKind('reply').target('x')).toBeUndefined(); // a reply never goes out as a tweet of its own
    expect(postKind('repost').target('x')?.name).toBe('x');
    expect(postKind('repost').target('facebook')).toBeUndefined(); // Facebook takes no reposts
    expect(postKind('video_fix').target('youtube')?.name).toBe('youtube');
    expect(postKind('post').target('youtube')).toBeUndefined(); // nor ordinary posts go to YouTube
    expect(postKind(undefined).name).toBe('post');
    expect(postKind('something-else').name).toBe('post');
  });

  test('a target published by hand is found from the kind’s own targets, not by kind name', () => {
    expect(handTarget({ kind: 'reply', targets: ['copy'] })).toBe('copy');
    expect(postKind('reply').target('copy')?.manualHint).toContain('Mark as replied');
    expect(handTarget({ kind: 'reply', targets: ['google-reply'] })).toBeUndefined();
    expect(handTarget({ kind: 'post', targets: ['x', 'facebook'] })).toBeUndefined();
    expect(handTarget({ kind: 'post', targets: ['copy'] })).toBeUndefined(); // a post has no Copy target
  });

  test('each kind its checks: a post the tag guideline, a repost none, a video fix YouTube’s byte limit', () => {
    expect(postKind('post').check('Hello', ['x'], guideline).warnings.join(' ')).toContain('CityHospital');
    expect(postKind('repost').check('', ['x'], guideline).errors).toEqual([]);
    const long = `${'é'.repeat(YOUTUBE_DESCRIPTION_MAX_BYTES / 2)}#CityHospital`;
    expect(postKind('video_fix').check(long, ['youtube'], guideline).errors.join(' ')).toContain(
      'Too long for a YouTube description',
    );
    expect(postKind('video_fix').check('Fine #CityHospital', ['youtube'], guideline).errors).toEqual([]);
  });

  test('the PHI guard reads a repost’s original post, other kinds their own text', () => {
    const details = { text: 'Their words' };
    expect(postKind('repost').phiText({ text: 'Repost of @WHO', details })).toBe('Their words');
    expect(postKind('post').phiText({ text: 'Our words', details })).toBe('Our words');
    expect(postKind('reply').phiMode).toBe('reply');
  });

  test('card previews escape outside text and only a posted kind counts toward the cadence', () => {
    const repost = view({
      kind: 'repost',
      details: {
        tweetId: '1',
        url: 'https://x.com/WHO/status/1',
        author: 'WHO',
        text: 'Hi <!channel> & all',
      },
    });
    const intro = postKind('repost').cardIntro?.(repost, { timezone: 'UTC', labels: {} }) ?? '';
    expect(intro).toContain('&lt;!channel&gt; &amp; all');
    expect(intro).not.toContain('<!channel>');
    expect(postKinds.filter((k) => k.countsTowardCadence).map((k) => k.name)).toEqual(['post', 'repost']);
  });
});
