/**
 * What /healthz, `/smx status` and the Home tab report: the database, Slack's answer to the bot token (auth.test)
 * and, in Socket Mode, the WebSocket to Slack. One source, so the three never disagree.
 */
import { WebClient } from '@slack/web-api';
import type { Config } from '../config';
import type { Database } from '../db';

/** auth.test errors that mean the token itself is wrong: start-up stops on these. */
export const FATAL_AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

export type SlackAuth =
  | { ok: true; team: string | undefined; botUser: string | undefined }
  | { ok: false; error: string; fatal: boolean };

export type SocketState = 'connecting' | 'connected' | 'disconnected';

export interface HealthReport {
  ok: boolean;
  db: 'up' | 'down';
  /** 'ok', or Slack's error code for the bot token, or 'unreachable'. */
  slack: string;
  /** Socket Mode only. */
  socket?: SocketState;
  /** The parts that fail, for the 503 answer: 'db', 'slack', 'socket'. */
  failing: string[];
}

/** How long an auth.test answer is reused: /healthz is polled often, Slack rate-limits auth.test. */
const AUTH_TTL_MS = 60_000;

export class HealthMonitor {
  private readonly client: WebClient;
  private auth: { result: SlackAuth; at: number } | undefined;
  private pending: Promise<SlackAuth> | undefined;
  socket: SocketState | undefined;

  constructor(config: Config) {
    // A client of its own: no retries (the default policy retries for 30 minutes) and a short timeout, so a health
    // check answers quickly even when Slack does not.
    this.client = new WebClient(config.slack.botToken, {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      retryConfig: { retries: 0 },
      timeout: 3000,
    });
    this.socket = config.slack.socketMode ? 'connecting' : undefined;
  }

  /** auth.test with the bot token; cached for a minute unless `fresh`. Never throws. */
  async slackAuth(fresh = false): Promise<SlackAuth> {
    if (!fresh && this.auth && Date.now() - this.auth.at < AUTH_TTL_MS) return this.auth.result;
    this.pending ??= this.client.auth
      .test()
      .then(
        (r): SlackAuth => ({ ok: true, team: r.team, botUser: r.user_id }),
        (err: unknown): SlackAuth => {
          const code = (err as { data?: { error?: unknown } }).data?.error;
          if (typeof code === 'string') return { ok: false, error: code, fatal: FATAL_AUTH_ERRORS.has(code) };
          return { ok: false, error: 'unreachable', fatal: false };
        },
      )
      .then((result) => {
        this.auth = { result, at: Date.now() };
        this.pending = undefined;
        return result;
      });
    return this.pending;
  }

  async report(db: Database): Promise<HealthReport> {
    const [up, auth] = await Promise.all([db.ping(), this.slackAuth()]);
    const failing: string[] = [];
    if (!up) failing.push('db');
    if (!auth.ok) failing.push('slack');
    if (this.socket !== undefined && this.socket !== 'connected') failing.push('socket');
    return {
      ok: failing.length === 0,
      db: up ? 'up' : 'down',
      slack: auth.ok ? 'ok' : auth.error,
      ...(this.socket === undefined ? {} : { socket: this.socket }),
      failing,
    };
  }
}

const DB_LABEL: Record<Database['kind'], string> = {
  mongodb: 'MongoDB',
  'mongodb-memory-server': 'embedded MongoDB',
  ferretdb: 'embedded FerretDB (SQLite)',
};

/** The health lines `/smx status` and the Home tab show. Pure. */
export function healthLines(r: HealthReport, dbKind: Database['kind']): string[] {
  const lines = [
    r.db === 'up'
      ? `:large_green_circle: Database: up (${DB_LABEL[dbKind]})`
      : ":red_circle: Database: down — smx can't reach its database right now; nothing can be changed until it is back. smx keeps retrying and recovers by itself when it answers again.",
    r.slack === 'ok'
      ? ':large_green_circle: Slack: the bot token works'
      : r.slack === 'unreachable'
        ? ":red_circle: Slack: smx can't reach Slack's Web API right now; messages and cards may be delayed."
        : `:red_circle: Slack: Slack refuses the bot token (${r.slack}) — whoever runs smx must set a valid SLACK_BOT_TOKEN.`,
  ];
  if (r.socket !== undefined) {
    lines.push(
      r.socket === 'connected'
        ? ':large_green_circle: Socket Mode: connected to Slack'
        : `:red_circle: Socket Mode: ${r.socket === 'connecting' ? 'connecting' : 'disconnected'} — commands and buttons wait until smx reconnects (it retries by itself).`,
    );
  }
  return lines;
}
