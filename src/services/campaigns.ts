/**
 * Feedback campaigns: a window of local days, an optional facility, a goal (responses ÷ visits) and a public page
 * `/f/<slug>` (src/http/feedback-page.ts). Approvers create and end them; every change is audited. Ending is decided
 * by inserting the claim `campaign-end:<shortId>` (mongo-subset.md: a conditional update is not a safe decision on
 * FerretDB), then applied.
 */
import { randomInt } from 'node:crypto';
import { DateTime } from 'luxon';
import { Campaign } from '../../models/campaign';
import type { Config, DateOrder } from '../config';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { languageCode, SECOND_LANGUAGES } from '../i18n/feedback';
import { truncate } from '../slack/text';
import { localDay } from '../slack/time';
import { audit } from './audit';
import { getClaim, isDuplicateKey, releaseClaim, tryClaim } from './claims';
import { loadGoals } from './goals';
import { dayMonthExample, PARSERS } from './when';

export const CAMPAIGN_PATH_PREFIX = '/f/';
export const MAX_WINDOW_DAYS = 366;

/** The `/smx campaign new` example, its dates written the way the hospital writes them (SMX_DATE_ORDER). */
export const campaignNewExample = (order: DateOrder) =>
  `/smx campaign new December discharge feedback North Clinic from ${dayMonthExample(order, 1, 'Dec')} to ${dayMonthExample(order, 31, 'Dec')} goal 10%`;

export const CAMPAIGN_MESSAGES = {
  usage: (order: DateOrder) =>
    'Try `/smx campaigns` (list), `/smx campaign F7K2Q` (results), `' +
    campaignNewExample(order) +
    '`, `/smx campaign end F7K2Q`, `/smx campaign qr F7K2Q` or `/smx campaign post F7K2Q tomorrow 10am`. Nothing was changed.',
  newUsage: (order: DateOrder) =>
    'Write it as `/smx campaign new <name> [facility] from <date> to <date> [goal 10%] [lang hi]`, e.g. `' +
    campaignNewExample(order) +
    '` (to say exactly which words are the facility, put both in quotes: `/smx campaign new "Ward 3 survey" "Ward 3" from today to ' +
    dayMonthExample(order, 31, 'Dec') +
    '`; the facility must be one smx knows). Nothing was created.',
  badDate: (what: string, input: string, order: DateOrder) =>
    `I couldn't read '${truncate(input, 40)}' as the ${what} date — write it like '${dayMonthExample(order, 1, 'Dec')}', 'today' or '2026-12-01'. Nothing was created.`,
  endBeforeStart: 'The campaign ends before it starts — swap the dates. Nothing was created.',
  alreadyOver: (toDay: string) =>
    `That window ended on ${toDay}, before today, so nobody could answer. Pick an end date from today on. Nothing was created.`,
  tooLong: `A campaign can run at most ${MAX_WINDOW_DAYS} days — pick a shorter window. Nothing was created.`,
  badName: 'Give the campaign a name of 3 to 80 characters. Nothing was created.',
  badFacility: 'A facility name can have at most 80 characters and no . or $. Nothing was created.',
  badGoal: 'The goal is a percentage above 0 and at most 100, e.g. `goal 10%`. Nothing was created.',
  badLanguage: (word: string) =>
    `I don't have the page in '${truncate(word, 20)}' — second languages available: ${SECOND_LANGUAGES.join(', ')} (e.g. \`lang hi\`). Nothing was created.`,
  notApprover: (what: string) =>
    `Only approvers (SMX_APPROVERS) can ${what} campaigns. Nothing was changed — ask an approver.`,
  notFound: (id: string) =>
    `There is no campaign '${truncate(id, 20)}'; \`/smx campaigns\` lists them. Nothing was changed.`,
  alreadyEnded: (who: string) => `This campaign was already ended by ${who}. Nothing was changed.`,
  alreadyClosed: (toDay: string) =>
    `This campaign already closed on ${toDay} (the end of its window). Nothing was changed.`,
  noPublicUrl:
    "SMX_PUBLIC_URL isn't set, so smx has no public address for the feedback page. Ask whoever runs smx to set it (e.g. SMX_PUBLIC_URL=https://smx.example-hospital.org). Nothing was changed.",
} as const;

export type CampaignState = 'upcoming' | 'open' | 'ended' | 'over';

export interface CampaignView {
  shortId: string;
  slug: string;
  name: string;
  facility: string | null;
  fromDay: string;
  toDay: string;
  goalPercent: number;
  language: string | null;
  createdBy: string;
  createdAt: Date;
  endedBy: string | null;
  endedAt: Date | null;
}

type StoredCampaign = Omit<CampaignView, 'facility' | 'language' | 'endedBy' | 'endedAt'> & {
  facility?: string | null;
  language?: string | null;
  endedBy?: string | null;
  endedAt?: Date | null;
};

function toView(d: StoredCampaign): CampaignView {
  return {
    shortId: d.shortId,
    slug: d.slug,
    name: d.name,
    facility: d.facility ?? null,
    fromDay: d.fromDay,
    toDay: d.toDay,
    goalPercent: d.goalPercent,
    language: d.language ?? null,
    createdBy: d.createdBy,
    createdAt: d.createdAt,
    endedBy: d.endedBy ?? null,
    endedAt: d.endedAt ?? null,
  };
}

/** Open = today (local) inside the window and nobody ended it. */
export function campaignState(c: CampaignView, today: string): CampaignState {
  if (c.endedAt) return 'ended';
  if (today < c.fromDay) return 'upcoming';
  if (today > c.toDay) return 'over';
  return 'open';
}

export function campaignUrl(config: Config, c: { slug: string }): string | undefined {
  const base = config.campaigns.publicUrl;
  return base ? `${base}${CAMPAIGN_PATH_PREFIX}${c.slug}` : undefined;
}

/** The page's URL, or a user-facing error when SMX_PUBLIC_URL is unset. */
export function requireCampaignUrl(config: Config, c: { slug: string }): string {
  const url = campaignUrl(config, c);
  if (!url) throw new SmxError('NOT_CONFIGURED', CAMPAIGN_MESSAGES.noPublicUrl);
  return url;
}

/** "1 Dec 2026" for a local day key. */
export function dayLabel(day: string): string {
  return DateTime.fromISO(day).setLocale('en-GB').toFormat('d LLL yyyy');
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing `/smx campaign new …`

export interface NewCampaign {
  name: string;
  facility: string | null;
  fromDay: string;
  toDay: string;
  /** Undefined = the feedback-rate goal of `/smx goals`. */
  goalPercent: number | undefined;
  language: string | null;
}

/**
 * A local day from "1 Dec", "today", "next monday" or "2026-12-01". `forward`: a date without a year is the next
 * one on or after `ref` (end dates); otherwise the one closest to `ref` (a start may lie in the recent past).
 */
export function parseDay(
  input: string,
  ref: Date,
  timezone: string,
  order: DateOrder,
  forward = false,
): string | undefined {
  const text = input.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const d = DateTime.fromISO(text, { zone: timezone });
    return d.isValid ? (d.toISODate() as string) : undefined;
  }
  const offset = DateTime.fromJSDate(ref, { zone: timezone }).offset;
  const results = PARSERS[order].parse(text, { instant: ref, timezone: offset }, { forwardDate: forward });
  const r = results[0];
  if (results.length !== 1 || !r || r.text.length !== text.length) return undefined;
  return localDay(r.start.date(), timezone);
}

const QUOTED = /^["“]([^"”]+)["”](?:\s+["“]([^"”]+)["”])?$/;

/** Name and facility: `"name" "facility"`, or a name ending with a known facility (optionally after at/for). */
function splitNameAndFacility(
  head: string,
  facilities: readonly string[],
): { name: string; facility: string | null } {
  const q = QUOTED.exec(head);
  if (q?.[1]) return { name: q[1].trim(), facility: q[2]?.trim() || null };
  const lower = head.toLowerCase();
  // Longest first, so "North Clinic Annex" wins over "Annex".
  for (const f of [...facilities].sort((a, b) => b.length - a.length)) {
    const fl = f.toLowerCase();
    if (lower.endsWith(` ${fl}`)) {
      const name = head
        .slice(0, head.length - f.length)
        .trim()
        .replace(/\s+(at|for|in)$/i, '');
      if (name !== '') return { name, facility: f };
    }
  }
  return { name: head, facility: null };
}

export function parseNewCampaign(
  args: string,
  now: Date,
  config: { timezone: string; dateOrder: DateOrder },
  facilities: readonly string[],
): NewCampaign {
  const { timezone, dateOrder } = config;
  let rest = args.trim();
  let goalPercent: number | undefined;
  let language: string | null = null;
  // Options at the end, in either order: goal 10% · lang hi
  for (;;) {
    const g = /\s+goal\s+(\d+(?:[.,]\d+)?)\s*%?$/i.exec(rest);
    if (g?.[1]) {
      goalPercent = Number(g[1].replace(',', '.'));
      rest = rest.slice(0, g.index).trim();
      continue;
    }
    const l = /\s+(?:lang|language)\s+(\S+)$/i.exec(rest);
    if (l?.[1]) {
      const code = languageCode(l[1]);
      if (!code || code === 'en') throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.badLanguage(l[1]));
      language = code;
      rest = rest.slice(0, l.index).trim();
      continue;
    }
    break;
  }
  const m = /^(.+?)\s+from\s+(.+?)\s+(?:to|until|till)\s+(.+)$/i.exec(rest);
  if (!m?.[1] || !m[2] || !m[3]) throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.newUsage(dateOrder));
  const { name, facility } = splitNameAndFacility(m[1].trim(), facilities);
  const fromDay = parseDay(m[2], now, timezone, dateOrder);
  if (!fromDay) throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.badDate('start', m[2], dateOrder));
  // The end is read from the start: "from 20 Dec to 5 Jan" ends in January of the next year.
  const fromNoon = DateTime.fromISO(fromDay, { zone: timezone }).set({ hour: 12 }).toJSDate();
  const toDay = /^(today|tomorrow)$/i.test(m[3].trim())
    ? parseDay(m[3], now, timezone, dateOrder)
    : parseDay(m[3], fromNoon, timezone, dateOrder, true);
  if (!toDay) throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.badDate('end', m[3], dateOrder));

  if (name.length < 3 || name.length > 80) throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.badName);
  if (facility !== null && (facility.length > 80 || /[.$]/.test(facility))) {
    throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.badFacility);
  }
  if (toDay < fromDay) throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.endBeforeStart);
  if (toDay < localDay(now, timezone)) throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.alreadyOver(toDay));
  const days = DateTime.fromISO(toDay).diff(DateTime.fromISO(fromDay), 'days').days + 1;
  if (days > MAX_WINDOW_DAYS) throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.tooLong);
  if (goalPercent !== undefined && !(goalPercent > 0 && goalPercent <= 100)) {
    throw new SmxError('BAD_INPUT', CAMPAIGN_MESSAGES.badGoal);
  }
  return { name, facility, fromDay, toDay, goalPercent, language };
}

// ---------------------------------------------------------------------------------------------------------------
// Storage

const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** "December discharge feedback" → "december-discharge-feedback" (ASCII letters and digits only, ≤ 40). */
export function slugPart(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

export async function createCampaign(
  ctx: SmxContext,
  input: NewCampaign,
  actor: string,
): Promise<CampaignView> {
  const goalPercent = input.goalPercent ?? (await loadGoals()).feedbackRate;
  const now = ctx.now();
  for (let i = 0; i < 5; i++) {
    let shortId = 'F';
    for (let j = 0; j < 4; j++) shortId += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
    const part = slugPart(input.name);
    const slug = `${part === '' ? 'feedback' : part}-${shortId.toLowerCase()}`;
    try {
      const doc = await Campaign.create({
        shortId,
        slug,
        name: input.name,
        facility: input.facility,
        fromDay: input.fromDay,
        toDay: input.toDay,
        goalPercent,
        language: input.language,
        createdBy: actor,
        createdAt: now,
      });
      const view = toView(doc.toObject());
      await audit({
        entity: 'campaign',
        entityId: shortId,
        action: 'create',
        actor,
        at: now,
        after: { ...input, goalPercent, slug },
      });
      ctx.logger.info({ event: 'campaign_created', campaign: shortId }, 'campaign created');
      return view;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new SmxError('INTERNAL', 'Could not allocate a campaign id; nothing was created — try again.');
}

export async function findCampaign(id: string): Promise<CampaignView> {
  const doc = await Campaign.findOne({ shortId: id.trim().toUpperCase() }).lean();
  if (!doc) throw new SmxError('NOT_FOUND', CAMPAIGN_MESSAGES.notFound(id));
  return toView(doc);
}

export async function findCampaignBySlug(slug: string): Promise<CampaignView | null> {
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) return null;
  const doc = await Campaign.findOne({ slug }).lean();
  return doc ? toView(doc) : null;
}

/** Campaigns newest first: open and upcoming ones, and those that closed in the last 90 days. */
export async function listCampaigns(ctx: SmxContext, limit = 20): Promise<CampaignView[]> {
  const since = DateTime.fromJSDate(ctx.now(), { zone: ctx.config.timezone }).minus({ days: 90 }).toISODate();
  const rows = await Campaign.find({ toDay: { $gte: since } })
    .sort({ createdAt: -1 })
    .limit(limit)
    .lean();
  return rows.map(toView);
}

/** Campaigns whose window overlaps [fromDay, toDay] (for metrics and the weekly report). */
export async function campaignsOverlapping(
  fromDay: string,
  toDay: string,
  limit = 10,
): Promise<CampaignView[]> {
  const rows = await Campaign.find({ fromDay: { $lte: toDay }, toDay: { $gte: fromDay } })
    .sort({ fromDay: 1, createdAt: 1 })
    .limit(limit)
    .lean();
  return rows.map(toView);
}

/** Ends a campaign once: the claim decides between two approvers ending it at the same moment. */
export async function endCampaign(ctx: SmxContext, id: string, actor: string): Promise<CampaignView> {
  const before = await findCampaign(id);
  const today = localDay(ctx.now(), ctx.config.timezone);
  const state = campaignState(before, today);
  if (state === 'ended')
    throw new SmxError('CONFLICT', CAMPAIGN_MESSAGES.alreadyEnded(`<@${before.endedBy}>`));
  if (state === 'over')
    throw new SmxError('CONFLICT', CAMPAIGN_MESSAGES.alreadyClosed(dayLabel(before.toDay)));
  const key = `campaign-end:${before.shortId}`;
  const owner = `${ctx.instanceId}:${actor}`;
  if (!(await tryClaim(key, owner, ctx.now()))) {
    const claim = await getClaim(key);
    const who = claim?.owner.split(':').pop();
    throw new SmxError('CONFLICT', CAMPAIGN_MESSAGES.alreadyEnded(who ? `<@${who}>` : 'someone else'));
  }
  const now = ctx.now();
  try {
    await Campaign.updateOne({ shortId: before.shortId }, { $set: { endedAt: now, endedBy: actor } });
    await audit({
      entity: 'campaign',
      entityId: before.shortId,
      action: 'end',
      actor,
      at: now,
      before: { state },
      after: { state: 'ended' },
    });
  } catch (err) {
    // Not applied: give the decision back so the approver (or another) can end it again.
    await releaseClaim(key, owner).catch(() => undefined);
    throw err;
  }
  ctx.logger.info({ event: 'campaign_ended', campaign: before.shortId }, 'campaign ended');
  return { ...before, endedAt: now, endedBy: actor };
}
