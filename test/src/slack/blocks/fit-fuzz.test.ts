/**
 * Cards always fit: every builder that shows text from people or outside systems, fed hostile texts, must produce
 * what the fake Slack (test/fakes/block-kit.ts, Slack's limits) accepts — measured after escaping, in UTF-16 units.
 */
import fc from 'fast-check';
import type { PostView } from '../../../../src/services/post-view';
import { approvalCard, publishResultMessage } from '../../../../src/slack/blocks/approval-card';
import { type DigestItem, reviewListMessage } from '../../../../src/slack/blocks/digest';
import { auditMessage } from '../../../../src/slack/blocks/post-audit';
import {
  editModal,
  editPartBlockId,
  fullTextModal,
  joinEditParts,
  parseEditMetadata,
} from '../../../../src/slack/blocks/post-modals';
import { queueMessage } from '../../../../src/slack/blocks/post-queue';
import { POST_ACTION_IDS, POST_INPUT_IDS } from '../../../../src/slack/ids';
import { messageProblems, viewProblems } from '../../../fakes/block-kit';

const TZ = 'Asia/Kolkata';
const opts = { timezone: TZ, labels: { x: 'X', facebook: 'Facebook' } };

/** The texts that broke cards (issue 15) and their kin, then anything at all. */
const hostile = fc.oneof(
  fc.integer({ min: 1, max: 12_000 }).map((n) => '&'.repeat(n)),
  fc.integer({ min: 1, max: 3_000 }).map((n) => 'a\n'.repeat(n)),
  fc.integer({ min: 1, max: 3_000 }).map((n) => '😀'.repeat(n)),
  fc.integer({ min: 1, max: 5_000 }).map((n) => '<!channel>&'.repeat(n)),
  fc.integer({ min: 1, max: 63_206 }).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'grapheme', maxLength: 6_000 }),
  fc
    .array(fc.constantFrom('&', '<', '>', '\n', '😀', 'é', ' ', '*', '`', '\u0000', '\uD83D'), {
      maxLength: 8_000,
    })
    .map((a) => a.join('')),
);

const post = (text: string, over: Partial<PostView> = {}): PostView => ({
  id: '0123456789abcdef01234567',
  shortId: 'P7K2Q',
  text,
  targets: ['x', 'facebook'],
  scheduledAt: new Date('2026-12-01T03:30:00.000Z'),
  publishNow: false,
  status: 'pending_approval',
  authorId: 'U0STAFF',
  submittedAt: new Date('2026-11-24T04:30:00.000Z'),
  approvedBy: 'U0BOSS',
  approvedAt: new Date('2026-11-24T05:00:00.000Z'),
  rejectedBy: 'U0BOSS',
  rejectedAt: new Date('2026-11-24T05:00:00.000Z'),
  rejectReason: text,
  cancelledBy: null,
  cancelledAt: null,
  cardChannel: 'C1',
  cardTs: '1.1',
  results: {
    x: { status: 'failed', externalId: null, url: null, error: text, at: new Date() },
    facebook: { status: 'needs_check', externalId: null, url: null, error: text, at: new Date() },
  },
  publishedAt: null,
  cannedId: null,
  kind: 'post',
  details: null,
  previews: [],
  revision: 3,
  textBy: 'U0STAFF',
  version: 1,
  checks: { errors: [], warnings: ['Missing required tag: add #CityHospital'], passed: ['X length 70/280'] },
  originChannel: null,
  ...over,
});

const STATUSES = ['pending_approval', 'approved', 'rejected', 'published', 'failed', 'needs_check'] as const;
const RUNS = { numRuns: 30 };

describe('cards always fit, whatever the text', () => {
  test('approval card in every status; a cut text offers Show full text', () => {
    fc.assert(
      fc.property(hostile, fc.constantFrom(...STATUSES), (text, status) => {
        const msg = approvalCard(post(text, { status }), opts);
        expect(messageProblems(msg as unknown as Record<string, unknown>)).toEqual([]);
        const quote = (msg.blocks[1] as { text: { text: string } }).text.text;
        const cut = quote.endsWith('…') && quote.length > 2800;
        const show = JSON.stringify(msg.blocks).includes(POST_ACTION_IDS.showFullText);
        if (cut) expect(show).toBe(true);
      }),
      RUNS,
    );
  });

  // The card shows the text as plain text (unescaped), so these are sized to overflow its 3,000 characters.
  test('the 4,000 &, 2,000 one-character lines and 2,000 emoji drafts get a normal card', () => {
    for (const text of ['&'.repeat(4000), 'a\n'.repeat(2000), '😀'.repeat(2000)]) {
      const msg = approvalCard(post(text), opts);
      expect(messageProblems(msg as unknown as Record<string, unknown>)).toEqual([]);
      expect(JSON.stringify(msg.blocks)).toContain(POST_ACTION_IDS.approve);
      expect(JSON.stringify(msg.blocks)).toContain(POST_ACTION_IDS.showFullText);
    }
  });

  test('publish results, queue, audit and review lists', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const p = post(text);
        const messages = [
          publishResultMessage(p, 'x', 'X', { status: 'failed', error: text }),
          publishResultMessage(p, 'x', 'X', { status: 'needs_check', error: text }),
          queueMessage(
            Array.from({ length: 40 }, () => p),
            TZ,
          ),
          auditMessage(
            p,
            Array.from({ length: 20 }, (_, i) => ({
              action: i % 2 ? 'reject' : 'publish_failed',
              actor: 'U0BOSS',
              at: new Date(),
              after: { reason: text, error: text, target: 'x', status: 'failed' },
            })),
            TZ,
          ),
          reviewListMessage(
            'Reviews',
            Array.from(
              { length: 30 },
              (_, i): DigestItem => ({
                _id: `r${i}`,
                source: 'google',
                facility: text,
                rating: 1,
                text,
                authorName: text,
                url: 'https://example.com/r',
                postedAt: new Date(),
                ingestedAt: new Date(),
                sentiment: 'negative',
              }),
            ),
            0,
            { timezone: TZ, showNames: true },
            'none',
          ),
        ];
        for (const m of messages)
          expect(messageProblems(m as unknown as Record<string, unknown>)).toEqual([]);
      }),
      RUNS,
    );
  });

  test('the full-text modal and the edit modal hold the whole text, exactly, within the limits', () => {
    fc.assert(
      fc.property(hostile, fc.boolean(), (text, approved) => {
        const full = fullTextModal('P7K2Q', text);
        expect(viewProblems(full)).toEqual([]);
        const shown = (full.blocks as Array<{ text: { text: string } }>).map((b) => b.text.text).join('');
        if (text.trim() !== '') expect(shown.replace(/^ $/, '')).toBe(text);

        const edit = editModal('P7K2Q', 3, text, approved);
        expect(viewProblems(edit)).toEqual([]);
        const inputs = new Map(
          (edit.blocks as Array<{ block_id?: string; element?: { initial_value?: string } }>)
            .filter((b) => b.element)
            .map((b) => [b.block_id, b.element?.initial_value]),
        );
        const { card, seams } = parseEditMetadata(edit.private_metadata ?? '');
        expect(card).toBe('P7K2Q:3');
        expect(joinEditParts((i) => inputs.get(editPartBlockId(i)), seams)).toBe(text);
        expect(POST_INPUT_IDS.text).toBe('text');
      }),
      RUNS,
    );
  });
});
