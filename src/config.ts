/**
 * The only module that reads the environment. Everything is validated once at start-up; when anything is wrong,
 * every problem is listed with how to fix it, so an operator fixes them all in one go.
 */
import { isIP } from 'node:net';
import path from 'node:path';
import dotenv from 'dotenv';
import { IANAZone } from 'luxon';
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { parseDuration } from './duration';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const EMBEDDED_KINDS = ['auto', 'ferretdb', 'mongod'] as const;
export type EmbeddedDbChoice = (typeof EMBEDDED_KINDS)[number];

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A whole number in [min, max] (days, seconds …), `fallback` when unset. */
function wholeNumber(name: string, fallback: number, min: number, max: number, unit: string) {
  return optionalString.transform((v, ctx) => {
    const n = Number(v ?? String(fallback));
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a whole number of ${unit} from ${min} to ${max}, e.g. ${name}=${fallback}`,
      });
      return z.NEVER;
    }
    return n;
  });
}

/**
 * How much lower the embedded FerretDB's CPU priority is than smx's (Unix niceness, SMX_FERRETDB_NICE). An ack waits
 * for smx's event loop only, never for the database (the claim of a delivery is awaited after the ack is sent,
 * src/slack/delivery-once.ts); at the same priority, a burst of requests made FerretDB's inserts of their claims
 * take the core an ack was waiting on. Lower, it runs whenever smx is not busy, which is whenever smx is waiting for
 * it, so nothing waits longer unless something else keeps the machine busy. The work is put off, not removed: smx
 * with its database still spends more CPU per request than bare Bolt; the claims are inserted in idle time. Measured
 * in bench:ack (2 cores, 15 rounds × 1,000 /smx help, on a noisy host; README, Performance): smx/bare pooled p50
 * 1.18-1.35x at niceness 0 (4 runs) against 0.99-1.11x at 10 (7 runs); pooled p99 0.83-1.32x against 0.86-1.14x
 * (p99 moved more with the host than with the setting). 0 turns it off, e.g. on a machine where FerretDB runs alone.
 */
export const FERRETDB_NICE_DEFAULT = 10;

const bool = (name: string, dflt: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return dflt;
      if (['true', '1', 'yes'].includes(v)) return true;
      if (['false', '0', 'no'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false, e.g. ${name}=${dflt}` });
      return z.NEVER;
    });

const url = (name: string, dflt: string | undefined, example: string) =>
  optionalString.transform((v, ctx) => {
    const value = v ?? dflt;
    if (value === undefined) return undefined;
    try {
      const u = new URL(value);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      return value.replace(/\/+$/, '');
    } catch {
      ctx.addIssue({ code: 'custom', message: `${name} must be an http(s) URL, e.g. ${name}=${example}` });
      return z.NEVER;
    }
  });

const cron = (name: string, dflt: string) =>
  optionalString.transform((v, ctx) => {
    const value = v ?? dflt;
    if (!validateCron(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `${name} is not a valid cron expression ('${value}'); use five fields, e.g. ${name}="${dflt}"`,
      });
      return z.NEVER;
    }
    return value;
  });

/** `Name=Value,Other=Value` lists, as used by GOOGLE_LOCATIONS and SMX_FACILITY_CHANNELS. */
const pairs = (name: string, example: string) =>
  optionalString.transform((v, ctx) => {
    const out: Array<{ key: string; value: string }> = [];
    if (v === undefined) return out;
    for (const part of v.split(',')) {
      const item = part.trim();
      if (item === '') continue;
      const eq = item.indexOf('=');
      const key = eq > 0 ? item.slice(0, eq).trim() : '';
      const value = eq > 0 ? item.slice(eq + 1).trim() : '';
      if (key === '' || value === '') {
        ctx.addIssue({
          code: 'custom',
          message: `${name} has an entry '${item}' without '=' ; write it as ${example}`,
        });
        return z.NEVER;
      }
      out.push({ key, value });
    }
    return out;
  });

const int = (name: string, dflt: number, min: number, max: number) =>
  optionalString.transform((v, ctx) => {
    const n = Number(v ?? String(dflt));
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a whole number from ${min} to ${max}, e.g. ${name}=${dflt}`,
      });
      return z.NEVER;
    }
    return n;
  });

const idList = optionalString.transform((v) =>
  (v ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== ''),
);

/** How to find each kind of Slack id, for the messages below. */
export const FIND_ID = {
  user: "a person's member ID (U… or W…) is in their profile → ⋮ (more) → Copy member ID",
  group: "a user group's ID (S…) is at the end of the address of its page (People → User groups → the group)",
  channel:
    "a channel's ID (C…, or G… for older private channels) is at the bottom of its details: click the channel name → About",
} as const;

const USER_ID = /^[UW][A-Z0-9]+$/;
const GROUP_ID = /^S[A-Z0-9]+$/;
const CHANNEL_ID = /^[CG][A-Z0-9]+$/;

/** True for a Slack channel id (C…/G…); names such as #approvals are not ids. */
export function isChannelId(v: string): boolean {
  return CHANNEL_ID.test(v);
}

const channelId = (name: string) =>
  optionalString.superRefine((v, ctx) => {
    if (v !== undefined && !isChannelId(v)) {
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a channel ID such as C0123ABCD, not '${v}': ${FIND_ID.channel}`,
      });
    }
  });

/** SMX_APPROVERS: user ids and user-group ids only; '@meera' or '#compliance' would silently match nobody. */
const approverList = idList.superRefine((ids, ctx) => {
  const bad = ids.filter((id) => !USER_ID.test(id) && !GROUP_ID.test(id));
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `SMX_APPROVERS must list Slack user IDs (U…/W…) and user-group IDs (S…), comma-separated; not ${bad
        .map((b) => `'${b}'`)
        .join(', ')}. ${FIND_ID.user}; ${FIND_ID.group}`,
    });
  }
});

const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string({
      message: 'SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-…) from your Slack app',
    })
    .trim()
    .startsWith(
      'xoxb-',
      'SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions page)',
    ),
  SLACK_SIGNING_SECRET: z
    .string({ message: 'SLACK_SIGNING_SECRET is missing: copy the Signing Secret from Basic Information' })
    .trim()
    .min(1, 'SLACK_SIGNING_SECRET is empty: copy the Signing Secret from Basic Information'),
  SLACK_APP_TOKEN: optionalString.refine(
    (v) => v === undefined || v.startsWith('xapp-'),
    'SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens), or unset for HTTP mode',
  ),
  SLACK_API_URL: url('SLACK_API_URL', undefined, 'https://slack.com/api/'),
  PORT: optionalString.transform((v, ctx) => {
    const n = Number(v ?? '3000');
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      ctx.addIssue({
        code: 'custom',
        message: 'PORT must be a whole number from 0 to 65535, e.g. PORT=3000',
      });
      return z.NEVER;
    }
    return n;
  }),
  MONGODB_URI: optionalString.refine(
    (v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v),
    'MONGODB_URI must start with mongodb:// or mongodb+srv://, e.g. MONGODB_URI=mongodb://localhost:27017/smx — or leave it unset for the embedded database',
  ),
  SMX_DATA_DIR: optionalString,
  SMX_EMBEDDED_DB: optionalString.refine(
    (v) => v === undefined || (EMBEDDED_KINDS as readonly string[]).includes(v),
    `SMX_EMBEDDED_DB must be one of ${EMBEDDED_KINDS.join(', ')} (auto: mongod when it can be had, else FerretDB)`,
  ),
  SMX_FERRETDB_BIN: optionalString,
  GOMAXPROCS: optionalString,
  GOGC: optionalString,
  GOMEMLIMIT: optionalString,
  SMX_FERRETDB_NICE: wholeNumber(
    'SMX_FERRETDB_NICE',
    FERRETDB_NICE_DEFAULT,
    0,
    19,
    'steps of niceness (0: as smx)',
  ),
  SMX_BIND_ADDRESS: optionalString.refine(
    (v) => v === undefined || isIP(v) !== 0 || v === 'localhost',
    'SMX_BIND_ADDRESS must be an IP address to listen on, e.g. SMX_BIND_ADDRESS=127.0.0.1 behind a reverse proxy (unset: all interfaces)',
  ),
  SMX_TIMEZONE: optionalString.refine(
    (v) => v === undefined || IANAZone.isValidZone(v),
    'SMX_TIMEZONE must be an IANA time zone name, e.g. SMX_TIMEZONE=Asia/Kolkata',
  ),
  SMX_DATE_ORDER: optionalString.transform((v, ctx) => {
    const value = v?.toLowerCase();
    if (value === undefined || value === 'dmy' || value === 'mdy') return value;
    ctx.addIssue({
      code: 'custom',
      message:
        'SMX_DATE_ORDER must be dmy (05/12 = 5 December) or mdy (05/12 = May 12), or unset to follow SMX_TIMEZONE',
    });
    return z.NEVER;
  }),
  LOG_LEVEL: optionalString.refine(
    (v) => v === undefined || (LOG_LEVELS as readonly string[]).includes(v),
    `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`,
  ),
  LOG_FORMAT: optionalString.refine(
    (v) => v === undefined || v === 'json' || v === 'pretty',
    'LOG_FORMAT must be json or pretty',
  ),

  // Reviews (issue: reviews and feedback)
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  GOOGLE_REFRESH_TOKEN: optionalString,
  GOOGLE_ACCOUNT_ID: optionalString,
  GOOGLE_LOCATIONS: pairs(
    'GOOGLE_LOCATIONS',
    'GOOGLE_LOCATIONS=locations/123=City Hospital,locations/456=North Clinic',
  ),
  GOOGLE_BUSINESS_API_URL: url(
    'GOOGLE_BUSINESS_API_URL',
    'https://mybusiness.googleapis.com',
    'https://mybusiness.googleapis.com',
  ),
  GOOGLE_OAUTH_TOKEN_URL: url(
    'GOOGLE_OAUTH_TOKEN_URL',
    'https://oauth2.googleapis.com/token',
    'https://oauth2.googleapis.com/token',
  ),
  FACEBOOK_PAGE_ID: optionalString,
  FACEBOOK_PAGE_TOKEN: optionalString,
  FACEBOOK_FACILITY: optionalString,
  FACEBOOK_GRAPH_URL: url(
    'FACEBOOK_GRAPH_URL',
    'https://graph.facebook.com/v23.0',
    'https://graph.facebook.com/v23.0',
  ),
  TWITTER_APP_KEY: optionalString,
  TWITTER_APP_SECRET: optionalString,
  TWITTER_ACCESS_TOKEN: optionalString,
  TWITTER_ACCESS_SECRET: optionalString,
  TWITTER_API_URL: url('TWITTER_API_URL', 'https://api.x.com', 'https://api.x.com'),
  SMX_INGEST_CRON: cron('SMX_INGEST_CRON', '*/15 * * * *'),
  SMX_WEBHOOK_SECRET: optionalString,
  SMX_DIGEST_CRON: cron('SMX_DIGEST_CRON', '0 8 * * *'),
  SMX_DIGEST_CHANNEL: channelId('SMX_DIGEST_CHANNEL'),
  SMX_FACILITY_CHANNELS: pairs(
    'SMX_FACILITY_CHANNELS',
    'SMX_FACILITY_CHANNELS=North Clinic=C0123,City Hospital=C0456',
  ).superRefine((list, ctx) => {
    for (const { key, value } of list) {
      if (!isChannelId(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `SMX_FACILITY_CHANNELS gives '${key}' the channel '${value}', which is not a channel ID such as C0123ABCD: ${FIND_ID.channel}`,
        });
      }
    }
  }),
  SMX_DIGEST_SHOW_NAMES: bool('SMX_DIGEST_SHOW_NAMES', false),
  SMX_DIGEST_BACKFILL_DAYS: wholeNumber('SMX_DIGEST_BACKFILL_DAYS', 7, 1, 365, 'days'),
  SMX_PATIENT_RELATIONS_CONTACT: optionalString,

  // Posts (issue: scheduling, approval, publishing)
  SMX_APPROVALS_CHANNEL: channelId('SMX_APPROVALS_CHANNEL'),
  SMX_APPROVERS: approverList,
  SMX_ALLOW_SELF_APPROVAL: bool('SMX_ALLOW_SELF_APPROVAL', false),
  SMX_PUBLISH_CRON: cron('SMX_PUBLISH_CRON', '* * * * *'),
  SMX_STALE_AFTER: optionalString.transform((v, ctx) => {
    const ms = parseDuration(v ?? '2h');
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `SMX_STALE_AFTER must be a duration such as 2h, 90m or 1h30m (got '${v}'), e.g. SMX_STALE_AFTER=2h`,
      });
      return z.NEVER;
    }
    return ms;
  }),
  SMX_DECISION_RETENTION_DAYS: wholeNumber('SMX_DECISION_RETENTION_DAYS', 90, 7, 3650, 'days'),
  SMX_SHUTDOWN_GRACE_SECONDS: wholeNumber('SMX_SHUTDOWN_GRACE_SECONDS', 25, 1, 600, 'seconds'),

  // YouTube and Flickr (issue 12)
  YOUTUBE_CLIENT_ID: optionalString,
  YOUTUBE_CLIENT_SECRET: optionalString,
  YOUTUBE_REFRESH_TOKEN: optionalString,
  YOUTUBE_CHANNEL_ID: optionalString,
  YOUTUBE_FACILITY: optionalString,
  YOUTUBE_API_URL: url(
    'YOUTUBE_API_URL',
    'https://www.googleapis.com/youtube/v3',
    'https://www.googleapis.com/youtube/v3',
  ),
  YOUTUBE_OAUTH_TOKEN_URL: url(
    'YOUTUBE_OAUTH_TOKEN_URL',
    'https://oauth2.googleapis.com/token',
    'https://oauth2.googleapis.com/token',
  ),
  YOUTUBE_DAILY_QUOTA: int('YOUTUBE_DAILY_QUOTA', 10_000, 100, 100_000_000),
  YOUTUBE_QUOTA_RESERVE: int('YOUTUBE_QUOTA_RESERVE', 1_000, 0, 100_000_000),
  FLICKR_API_KEY: optionalString,
  FLICKR_USER_ID: optionalString,
  FLICKR_FACILITY: optionalString,
  FLICKR_API_URL: url(
    'FLICKR_API_URL',
    'https://api.flickr.com/services/rest',
    'https://api.flickr.com/services/rest',
  ),
  SMX_PLAN_CRON: optionalString,

  // Metrics (issue: metrics and goals)
  SMX_SNAPSHOT_CRON: cron('SMX_SNAPSHOT_CRON', '50 23 * * *'),
  SMX_REPORT_CRON: cron('SMX_REPORT_CRON', '0 9 * * 1'),

  // Feedback campaigns (issue 13)
  SMX_PUBLIC_URL: url('SMX_PUBLIC_URL', undefined, 'https://smx.example-hospital.org'),
  SMX_HOSPITAL_NAME: optionalString.refine(
    (v) => v === undefined || v.length <= 80,
    'SMX_HOSPITAL_NAME must be at most 80 characters, e.g. SMX_HOSPITAL_NAME="City Hospital"',
  ),
  SMX_GOOGLE_REVIEW_URL: url('SMX_GOOGLE_REVIEW_URL', undefined, 'https://g.page/r/XXXX/review'),
  SMX_FACEBOOK_REVIEW_URL: url(
    'SMX_FACEBOOK_REVIEW_URL',
    undefined,
    'https://www.facebook.com/CityHospital/reviews',
  ),
  SMX_FEEDBACK_RATE_LIMIT: optionalString.transform((v, ctx) => {
    const m = /^(\d{1,4})\s*\/\s*(\d{1,4})\s*m(in(utes?)?)?$/i.exec(v ?? '5/15m');
    const points = Number(m?.[1]);
    const minutes = Number(m?.[2]);
    if (!m || points < 1 || minutes < 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          'SMX_FEEDBACK_RATE_LIMIT must be <submissions>/<minutes>m, e.g. SMX_FEEDBACK_RATE_LIMIT=5/15m (5 per 15 minutes per address)',
      });
      return z.NEVER;
    }
    return { points, minutes };
  }),
  SMX_TRUST_PROXY: bool('SMX_TRUST_PROXY', false),
  SMX_ROLLUP_CRON: cron('SMX_ROLLUP_CRON', '30 3 * * *'),
  SMX_ROLLUP_COMPACT_CRON: cron('SMX_ROLLUP_COMPACT_CRON', '*/5 * * * *'),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

/** How `05/12` is read: day/month (most of the world) or month/day (the Americas). */
export type DateOrder = 'dmy' | 'mdy';

/** The date order a time zone's country writes in, for when SMX_DATE_ORDER is unset. */
export function dateOrderForZone(timezone: string): DateOrder {
  return /^(America|US|Canada)\//.test(timezone) || timezone === 'Pacific/Honolulu' ? 'mdy' : 'dmy';
}

export interface GoogleConfig {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  accountId: string;
  locations: Array<{ id: string; facility: string }>;
  apiUrl: string;
  tokenUrl: string;
}

export interface FacebookConfig {
  pageId: string;
  pageToken: string;
  facility: string | undefined;
  graphUrl: string;
}

export interface TwitterConfig {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
  apiUrl: string;
}

export interface YoutubeConfig {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** The hospital's channel (UC…): its videos' comments, its uploads, its statistics. */
  channelId: string;
  facility: string | undefined;
  apiUrl: string;
  tokenUrl: string;
  /** Units per day Google granted the project (10,000 by default). */
  dailyQuota: number;
  /** Reads stop when fewer than this many units are left, so updates approved later still fit. */
  quotaReserve: number;
}

export interface FlickrConfig {
  apiKey: string;
  userId: string;
  facility: string | undefined;
  apiUrl: string;
}

export interface Config {
  slack: {
    botToken: string;
    signingSecret: string;
    appToken: string | undefined;
    apiUrl: string | undefined;
    socketMode: boolean;
  };
  port: number;
  /** Address to listen on; undefined = all interfaces. */
  bindAddress: string | undefined;
  /** How long a SIGTERM/SIGINT waits for in-flight work before smx exits anyway. */
  shutdownGraceMs: number;
  mongodbUri: string | undefined;
  dataDir: string;
  /** Which embedded database to run when MONGODB_URI is unset. */
  embeddedDb: EmbeddedDbChoice;
  /** A prebuilt smx-ferretdb binary (the Docker image has one); unset = build it once with Go into ~/.cache/smx. */
  ferretdbBin: string | undefined;
  /** The embedded FerretDB's Go runtime settings: GOMAXPROCS, GOGC, GOMEMLIMIT as set, else FERRETDB_GO_DEFAULTS. */
  ferretdbGoEnv: Readonly<Record<string, string>>;
  /** The embedded FerretDB's niceness (SMX_FERRETDB_NICE): how far below smx's own CPU priority it runs. */
  ferretdbNice: number;
  timezone: string;
  /** How numeric dates such as `05/12` are read (SMX_DATE_ORDER, defaulting from the time zone). */
  dateOrder: DateOrder;
  logLevel: LogLevel;
  logFormat: 'json' | 'pretty';
  /** Undefined when the source/target has no credentials: it is off, not an error. */
  google: GoogleConfig | undefined;
  facebook: FacebookConfig | undefined;
  twitter: TwitterConfig | undefined;
  youtube: YoutubeConfig | undefined;
  flickr: FlickrConfig | undefined;
  webhookSecret: string | undefined;
  ingestCron: string;
  digest: {
    cron: string;
    channel: string | undefined;
    facilityChannels: Record<string, string>;
    showNames: boolean;
    /** On a source's first fetch (or a big import), only items posted this many days back go into the digest. */
    backfillDays: number;
  };
  posts: {
    approvalsChannel: string | undefined;
    approvers: string[];
    allowSelfApproval: boolean;
    publishCron: string;
    /** An approved post more overdue than this is never published without a person choosing to. */
    staleAfterMs: number;
    /** Decision records of settled posts older than this many days are removed (services/decision-retention.ts). */
    decisionRetentionDays: number;
  };
  metrics: {
    snapshotCron: string;
    reportCron: string;
    /** The roll-up repair job (services/rollup-repair.ts): off-peak, it reads the whole archive. */
    rollupCron: string;
    /** The roll-up compactor (services/rollup-compact.ts): folds the recent deltas into their month documents. */
    rollupCompactCron: string;
  };
  replies: {
    /** The hospital's patient-relations phone/e-mail line used by reply templates; never flagged by the PHI guard. */
    patientRelationsContact: string | undefined;
  };
  plan: {
    /** The weekly nudge about short weeks ahead; defaults to SMX_REPORT_CRON (it goes out with the report). */
    nudgeCron: string;
  };
  campaigns: {
    /** Where patients reach smx (the feedback pages, /f/<slug>); undefined = links and QR codes are off. */
    publicUrl: string | undefined;
    hospitalName: string | undefined;
    /** Public review pages offered on the thank-you page, to every respondent alike. */
    googleReviewUrl: string | undefined;
    facebookReviewUrl: string | undefined;
    /** Submissions per client address per window. */
    rateLimit: { points: number; minutes: number };
    /** Behind a reverse proxy: take the client address from the last X-Forwarded-For hop. */
    trustProxy: boolean;
  };
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** All-or-nothing credential groups: partly set is a mistake worth reporting; wholly unset means "off". */
function group<K extends string>(
  env: Record<string, string | undefined>,
  label: string,
  names: readonly K[],
  problems: string[],
): Record<K, string> | undefined {
  const present = names.filter((n) => env[n] !== undefined);
  if (present.length === 0) return undefined;
  const missing = names.filter((n) => env[n] === undefined);
  if (missing.length > 0) {
    problems.push(
      `${label} is partly configured: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (set ${
        missing.length === 1 ? 'it' : 'them'
      } too, or unset ${present.join(', ')} to turn ${label} off)`,
    );
    return undefined;
  }
  return Object.fromEntries(names.map((n) => [n, env[n] as string])) as Record<K, string>;
}

/**
 * The Go runtime settings the embedded FerretDB runs with, unless the environment sets them: it shares the machine
 * with smx itself, and on a small one (2 cores) a FerretDB free to run on every core, with Go's default GC target,
 * competes for the core an ack is waiting on. With one core for its Go code and a GC that runs about a quarter as
 * often (bounded by a soft memory limit), its CPU per claimed request fell from 0.18–0.20 to 0.15–0.17 ms and
 * bench:ack's pooled p99 ratio from 1.05–1.57× (7 runs) to 0.94–1.29× (7 runs); the 50,000-row import ran 2,792
 * rows/s against 2,523 (bench:import, one run each, 2 Dec). A bigger hospital sets MONGODB_URI, or GOMAXPROCS.
 */
export const FERRETDB_GO_DEFAULTS = { GOMAXPROCS: '1', GOGC: '400', GOMEMLIMIT: '256MiB' } as const;

/** The environment for a child process smx starts: smx's own, with `extra` on top. */
export function inheritedEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** Pure: parses an environment object. Tests call this with their own objects. */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): ConfigResult {
  const parsed = schema.safeParse(env);
  const problems: string[] = parsed.success ? [] : parsed.error.issues.map((i) => i.message);
  // Credential groups are checked on the raw values too, so a half-configured X shows up with the other problems.
  const flat = parsed.success
    ? (parsed.data as unknown as Record<string, string | undefined>)
    : Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, v === undefined || v.trim() === '' ? undefined : v.trim()]),
      );

  const g = group(
    flat,
    'Google reviews',
    ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_REFRESH_TOKEN', 'GOOGLE_ACCOUNT_ID'] as const,
    problems,
  );
  if (g && parsed.success && parsed.data.GOOGLE_LOCATIONS.length === 0) {
    problems.push(
      'GOOGLE_LOCATIONS is missing: list the locations to watch, e.g. GOOGLE_LOCATIONS=locations/123=City Hospital',
    );
  }
  const fb = group(flat, 'Facebook', ['FACEBOOK_PAGE_ID', 'FACEBOOK_PAGE_TOKEN'] as const, problems);
  const tw = group(
    flat,
    'X (Twitter)',
    ['TWITTER_APP_KEY', 'TWITTER_APP_SECRET', 'TWITTER_ACCESS_TOKEN', 'TWITTER_ACCESS_SECRET'] as const,
    problems,
  );
  const yt = group(
    flat,
    'YouTube',
    ['YOUTUBE_CLIENT_ID', 'YOUTUBE_CLIENT_SECRET', 'YOUTUBE_REFRESH_TOKEN', 'YOUTUBE_CHANNEL_ID'] as const,
    problems,
  );
  if (yt && !/^UC[A-Za-z0-9_-]{10,40}$/.test(yt.YOUTUBE_CHANNEL_ID)) {
    problems.push(
      'YOUTUBE_CHANNEL_ID must be a channel id starting with UC (YouTube Studio → Settings → Channel → Advanced settings), e.g. YOUTUBE_CHANNEL_ID=UCxxxxxxxxxxxxxxxxxxxxxx',
    );
  }
  const fl = group(flat, 'Flickr', ['FLICKR_API_KEY', 'FLICKR_USER_ID'] as const, problems);
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const e = parsed.data;
  if (yt && e.YOUTUBE_QUOTA_RESERVE >= e.YOUTUBE_DAILY_QUOTA) {
    problems.push(
      `YOUTUBE_QUOTA_RESERVE (${e.YOUTUBE_QUOTA_RESERVE}) must be smaller than YOUTUBE_DAILY_QUOTA (${e.YOUTUBE_DAILY_QUOTA}), e.g. YOUTUBE_QUOTA_RESERVE=1000`,
    );
  }
  const planCron = e.SMX_PLAN_CRON ?? e.SMX_REPORT_CRON;
  if (!validateCron(planCron)) {
    problems.push(
      `SMX_PLAN_CRON is not a valid cron expression ('${planCron}'); use five fields, e.g. SMX_PLAN_CRON="0 9 * * 1"`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };

  return {
    ok: true,
    config: {
      slack: {
        botToken: e.SLACK_BOT_TOKEN,
        signingSecret: e.SLACK_SIGNING_SECRET,
        appToken: e.SLACK_APP_TOKEN,
        apiUrl: e.SLACK_API_URL === undefined ? undefined : `${e.SLACK_API_URL}/`,
        socketMode: e.SLACK_APP_TOKEN !== undefined,
      },
      port: e.PORT,
      bindAddress: e.SMX_BIND_ADDRESS,
      shutdownGraceMs: e.SMX_SHUTDOWN_GRACE_SECONDS * 1000,
      mongodbUri: e.MONGODB_URI,
      dataDir: path.resolve(cwd, e.SMX_DATA_DIR ?? '.smx'),
      embeddedDb: (e.SMX_EMBEDDED_DB ?? 'auto') as EmbeddedDbChoice,
      ferretdbBin: e.SMX_FERRETDB_BIN === undefined ? undefined : path.resolve(cwd, e.SMX_FERRETDB_BIN),
      ferretdbGoEnv: {
        GOMAXPROCS: e.GOMAXPROCS ?? FERRETDB_GO_DEFAULTS.GOMAXPROCS,
        GOGC: e.GOGC ?? FERRETDB_GO_DEFAULTS.GOGC,
        GOMEMLIMIT: e.GOMEMLIMIT ?? FERRETDB_GO_DEFAULTS.GOMEMLIMIT,
      },
      ferretdbNice: e.SMX_FERRETDB_NICE,
      timezone: e.SMX_TIMEZONE ?? 'UTC',
      dateOrder: e.SMX_DATE_ORDER ?? dateOrderForZone(e.SMX_TIMEZONE ?? 'UTC'),
      logLevel: (e.LOG_LEVEL ?? 'info') as LogLevel,
      logFormat: (e.LOG_FORMAT ?? 'json') as 'json' | 'pretty',
      google: g
        ? {
            clientId: g.GOOGLE_CLIENT_ID,
            clientSecret: g.GOOGLE_CLIENT_SECRET,
            refreshToken: g.GOOGLE_REFRESH_TOKEN,
            accountId: g.GOOGLE_ACCOUNT_ID,
            locations: e.GOOGLE_LOCATIONS.map((p) => ({ id: p.key, facility: p.value })),
            apiUrl: e.GOOGLE_BUSINESS_API_URL as string,
            tokenUrl: e.GOOGLE_OAUTH_TOKEN_URL as string,
          }
        : undefined,
      facebook: fb
        ? {
            pageId: fb.FACEBOOK_PAGE_ID,
            pageToken: fb.FACEBOOK_PAGE_TOKEN,
            facility: e.FACEBOOK_FACILITY,
            graphUrl: e.FACEBOOK_GRAPH_URL as string,
          }
        : undefined,
      twitter: tw
        ? {
            appKey: tw.TWITTER_APP_KEY,
            appSecret: tw.TWITTER_APP_SECRET,
            accessToken: tw.TWITTER_ACCESS_TOKEN,
            accessSecret: tw.TWITTER_ACCESS_SECRET,
            apiUrl: e.TWITTER_API_URL as string,
          }
        : undefined,
      youtube: yt
        ? {
            clientId: yt.YOUTUBE_CLIENT_ID,
            clientSecret: yt.YOUTUBE_CLIENT_SECRET,
            refreshToken: yt.YOUTUBE_REFRESH_TOKEN,
            channelId: yt.YOUTUBE_CHANNEL_ID,
            facility: e.YOUTUBE_FACILITY,
            apiUrl: e.YOUTUBE_API_URL as string,
            tokenUrl: e.YOUTUBE_OAUTH_TOKEN_URL as string,
            dailyQuota: e.YOUTUBE_DAILY_QUOTA,
            quotaReserve: e.YOUTUBE_QUOTA_RESERVE,
          }
        : undefined,
      flickr: fl
        ? {
            apiKey: fl.FLICKR_API_KEY,
            userId: fl.FLICKR_USER_ID,
            facility: e.FLICKR_FACILITY,
            apiUrl: e.FLICKR_API_URL as string,
          }
        : undefined,
      webhookSecret: e.SMX_WEBHOOK_SECRET,
      ingestCron: e.SMX_INGEST_CRON,
      digest: {
        cron: e.SMX_DIGEST_CRON,
        channel: e.SMX_DIGEST_CHANNEL,
        facilityChannels: Object.fromEntries(e.SMX_FACILITY_CHANNELS.map((p) => [p.key, p.value])),
        showNames: e.SMX_DIGEST_SHOW_NAMES,
        backfillDays: e.SMX_DIGEST_BACKFILL_DAYS,
      },
      posts: {
        approvalsChannel: e.SMX_APPROVALS_CHANNEL,
        approvers: e.SMX_APPROVERS,
        allowSelfApproval: e.SMX_ALLOW_SELF_APPROVAL,
        publishCron: e.SMX_PUBLISH_CRON,
        staleAfterMs: e.SMX_STALE_AFTER,
        decisionRetentionDays: e.SMX_DECISION_RETENTION_DAYS,
      },
      metrics: {
        snapshotCron: e.SMX_SNAPSHOT_CRON,
        reportCron: e.SMX_REPORT_CRON,
        rollupCron: e.SMX_ROLLUP_CRON,
        rollupCompactCron: e.SMX_ROLLUP_COMPACT_CRON,
      },
      replies: { patientRelationsContact: e.SMX_PATIENT_RELATIONS_CONTACT },
      plan: { nudgeCron: planCron },
      campaigns: {
        publicUrl: e.SMX_PUBLIC_URL,
        hospitalName: e.SMX_HOSPITAL_NAME,
        googleReviewUrl: e.SMX_GOOGLE_REVIEW_URL,
        facebookReviewUrl: e.SMX_FACEBOOK_REVIEW_URL,
        rateLimit: e.SMX_FEEDBACK_RATE_LIMIT,
        trustProxy: e.SMX_TRUST_PROXY,
      },
    },
  };
}

/** Reads `.env` (when present) and the process environment; on any problem prints them all and exits 1. */
export function readConfigOrExit(): Config {
  // dotenv never overrides variables that are already set, so the real environment wins.
  dotenv.config({ quiet: true });
  const result = loadConfig(process.env);
  if (result.ok) return result.config;
  process.stderr.write(
    `smx can't start: its configuration has ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}.\n` +
      result.problems.map((p) => `  - ${p}\n`).join('') +
      'Set these in the environment or in a .env file (see .env.example and the README), then start again.\n',
  );
  process.exit(1);
}

/**
 * For command-line tools that only use the database (`npx smx import`): Slack credentials are not needed, so they
 * are not required; `config.slack` then holds placeholders that nothing in a tool uses. Reads `.env` like the app.
 */
export function readToolConfig(): ConfigResult {
  dotenv.config({ quiet: true });
  return loadConfig({
    ...process.env,
    SLACK_BOT_TOKEN: 'xoxb-not-used-by-smx-tools',
    SLACK_SIGNING_SECRET: 'not-used-by-smx-tools',
    SLACK_APP_TOKEN: undefined,
  });
}
