/**
 * GET/POST /f/<campaign-slug>: the public feedback page of a campaign (models/campaign.ts), for patients' phones.
 *
 * - No cookies and no sessions, so there is nothing to forge across sites (CSRF-free by design); a strict CSP (no
 *   script, no outside resource, the form posts only here); `Cache-Control: no-store`; `Referrer-Policy: no-referrer`.
 * - Protection: per-address rate limits (SMX_FEEDBACK_RATE_LIMIT for answers, a looser one for page views, kept in
 *   this process's memory), a honeypot field, a body limit, a text limit.
 * - A bad answer (no rating, text too long) shows the form again with the error and everything typed kept.
 * - Unknown campaign → 404, ended or past → 410, not started → 404 "opens on …": friendly pages, never an error.
 * - Client addresses are used for throttling only: never stored, never logged.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { ParamsIncomingMessage } from '@slack/bolt/dist/receivers/ParamsIncomingMessage';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { SmxContext } from '../context';
import { isDbUnavailable } from '../errors';
import { stringsFor } from '../i18n/feedback';
import { recordCampaignFeedback } from '../services/campaign-feedback';
import {
  CAMPAIGN_PATH_PREFIX,
  type CampaignView,
  campaignState,
  dayLabel,
  findCampaignBySlug,
} from '../services/campaigns';
import { localDay } from '../slack/time';
import {
  CONTENT_SECURITY_POLICY,
  formPage,
  MAX_TEXT_CHARS,
  messagePage,
  type PageContext,
  thanksPage,
} from './feedback-page-html';

export const FEEDBACK_PAGE_PATH = `${CAMPAIGN_PATH_PREFIX}:slug`;
/** 2000 Devanagari characters are ~18 KB percent-encoded; anything much larger is not our form. */
export const MAX_BODY_BYTES = 32 * 1024;
/** Page views per address per minute (the answer limit is SMX_FEEDBACK_RATE_LIMIT). */
export const VIEWS_PER_MINUTE = 60;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function send(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    ...extra,
  });
  res.end(html);
}

/** The client's address: the socket's, or behind a trusted proxy the last X-Forwarded-For hop (the proxy's view). */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const h = req.headers['x-forwarded-for'];
    const list = (Array.isArray(h) ? h.join(',') : (h ?? '')).split(',').map((s) => s.trim());
    const last = list.filter((s) => s !== '').pop();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

function slugOf(req: ParamsIncomingMessage): string {
  const v = req.params?.slug;
  return typeof v === 'string' ? v : '';
}

/** Past this the connection is cut instead of drained (a browser never sends this much to our form). */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

/**
 * The body up to MAX_BODY_BYTES; a larger one is read to its end without being kept (so a phone gets the 413 page
 * instead of a reset connection), up to DRAIN_LIMIT_BYTES, past which the connection is cut.
 */
function readForm(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_LIMIT_BYTES) {
        resolve('too-large');
        req.destroy();
      } else if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Code points, so a Hindi answer is measured like an English one. */
const charCount = (s: string) => Array.from(s).length;

/** Control characters other than newline and tab are dropped. */
const CONTROL = /[\p{Cc}]/gu;

function cleanText(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, (c) => (c === '\n' || c === '\t' ? c : ''))
    .trim();
}

export function feedbackPageRoute(ctx: SmxContext): CustomRoute {
  const { points, minutes } = ctx.config.campaigns.rateLimit;
  const answers = new RateLimiterMemory({ points, duration: minutes * 60 });
  const views = new RateLimiterMemory({ points: VIEWS_PER_MINUTE, duration: 60 });
  const log = ctx.logger.child({ route: `${CAMPAIGN_PATH_PREFIX}:slug` });

  const pageContext = (campaign: CampaignView | null, lang: string): PageContext => {
    const languages = ['en', ...(campaign?.language ? [campaign.language] : [])];
    return {
      lang: languages.includes(lang) ? lang : 'en',
      languages,
      where: campaign?.facility ?? ctx.config.campaigns.hospitalName,
      hospitalName: ctx.config.campaigns.hospitalName,
      action: campaign ? `${CAMPAIGN_PATH_PREFIX}${campaign.slug}` : CAMPAIGN_PATH_PREFIX,
    };
  };

  /** 404/410 for a page that takes no answers now, or undefined when it is open. */
  const closedAnswer = (campaign: CampaignView | null, page: PageContext) => {
    const s = stringsFor(page.lang);
    if (!campaign) return { status: 404, html: messagePage(page, s.notFoundTitle, s.notFoundBody) };
    const state = campaignState(campaign, localDay(ctx.now(), ctx.config.timezone));
    if (state === 'upcoming') {
      return {
        status: 404,
        html: messagePage(page, s.closedTitle, s.notOpenYet(dayLabel(campaign.fromDay))),
      };
    }
    if (state !== 'open') return { status: 410, html: messagePage(page, s.closedTitle, s.closedBody) };
    return undefined;
  };

  const throttled = (res: ServerResponse, page: PageContext, err: unknown): boolean => {
    if (!(err instanceof RateLimiterRes)) return false;
    const s = stringsFor(page.lang);
    const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    send(res, 429, messagePage(page, s.throttledTitle, s.throttledBody(Math.ceil(seconds / 60))), {
      'retry-after': String(seconds),
    });
    return true;
  };

  async function get(req: ParamsIncomingMessage, res: ServerResponse) {
    const lang = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang') ?? 'en';
    try {
      await views.consume(clientAddress(req, ctx.config.campaigns.trustProxy));
    } catch (err) {
      if (throttled(res, pageContext(null, lang), err)) return;
      throw err;
    }
    const campaign = await findCampaignBySlug(slugOf(req));
    const page = pageContext(campaign, lang);
    const closed = closedAnswer(campaign, page);
    if (closed) {
      send(res, closed.status, closed.html);
      return;
    }
    send(res, 200, formPage(page, { submissionId: randomUUID() }));
  }

  async function post(req: ParamsIncomingMessage, res: ServerResponse) {
    try {
      await answers.consume(clientAddress(req, ctx.config.campaigns.trustProxy));
    } catch (err) {
      if (throttled(res, pageContext(null, 'en'), err)) {
        log.warn({ event: 'feedback_throttled', slug: slugOf(req) }, 'feedback page throttled');
        return;
      }
      throw err;
    }
    const campaign = await findCampaignBySlug(slugOf(req));
    let page = pageContext(campaign, 'en');
    const closed = closedAnswer(campaign, page);
    if (closed || !campaign) {
      if (closed) send(res, closed.status, closed.html);
      return;
    }
    const s0 = stringsFor(page.lang);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      send(res, 415, messagePage(page, s0.errorTitle, s0.errors.badType));
      return;
    }
    const raw = await readForm(req);
    if (raw === 'too-large') {
      send(res, 413, messagePage(page, s0.errorTitle, s0.errors.tooLarge), { connection: 'close' });
      return;
    }
    const form = new URLSearchParams(raw.toString('utf8'));
    page = pageContext(campaign, form.get('lang') ?? 'en');
    const s = stringsFor(page.lang);
    if ((form.get('website') ?? '') !== '') {
      log.warn(
        { event: 'feedback_honeypot', campaign: campaign.shortId },
        'feedback refused: honeypot filled',
      );
      send(res, 400, messagePage(page, s.errorTitle, s.errors.honeypot));
      return;
    }
    const sid = form.get('sid') ?? '';
    const submissionId = UUID.test(sid) ? sid : randomUUID();
    const text = cleanText(form.get('text') ?? '');
    const ratingRaw = form.get('rating') ?? '';
    const rating = /^[1-5]$/.test(ratingRaw) ? Number(ratingRaw) : undefined;
    const again = (error: string) => send(res, 400, formPage(page, { submissionId, rating, text, error }));
    if (rating === undefined) {
      again(s.errors.noRating);
      return;
    }
    if (charCount(text) > MAX_TEXT_CHARS) {
      again(s.errors.tooLong(MAX_TEXT_CHARS, charCount(text)));
      return;
    }
    try {
      const { created } = await recordCampaignFeedback(ctx, campaign, { rating, text, submissionId });
      log.info(
        { event: 'campaign_feedback', campaign: campaign.shortId, rating, created },
        'campaign feedback stored',
      );
    } catch (err) {
      log.error({ err, campaign: campaign.shortId }, 'campaign feedback not stored');
      send(
        res,
        isDbUnavailable(err) ? 503 : 500,
        formPage(page, { submissionId, rating, text, error: s.errors.failed }),
      );
      return;
    }
    send(
      res,
      200,
      thanksPage(page, {
        google: ctx.config.campaigns.googleReviewUrl,
        facebook: ctx.config.campaigns.facebookReviewUrl,
      }),
    );
  }

  return {
    path: FEEDBACK_PAGE_PATH,
    method: ['GET', 'POST'],
    handler: (req, res) => {
      const run = req.method === 'POST' ? post : get;
      run(req, res).catch((err: unknown) => {
        log.error({ err }, 'feedback page failed');
        if (res.headersSent) return;
        const page = pageContext(null, 'en');
        const s = stringsFor('en');
        send(res, isDbUnavailable(err) ? 503 : 500, messagePage(page, s.errorTitle, s.errors.failed));
      });
    },
  };
}
