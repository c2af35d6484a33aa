import type { Logger } from './logger';

/**
 * Typed errors with stable codes. `userMessage` is what a person in Slack reads: what went wrong in their terms,
 * what to do, and whether anything changed. Details stay in the logs.
 */
export type ErrorCode =
  | 'DB_UNAVAILABLE'
  | 'BAD_INPUT'
  | 'NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'NOT_CONFIGURED'
  | 'UPSTREAM'
  | 'INTERNAL';

export const MESSAGES = {
  dbUnavailable: "smx can't reach its database right now; nothing was changed — try again in a minute.",
  internal: (ref: string) =>
    `Something went wrong inside smx and nothing was changed. Please try again; if it keeps happening, tell whoever runs smx and quote reference ${ref}.`,
} as const;

export class SmxError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly userMessage: string,
    options?: { cause?: unknown; detail?: string },
  ) {
    super(
      options?.detail ?? userMessage,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'SmxError';
  }
}

export class DbUnavailableError extends SmxError {
  constructor(cause?: unknown) {
    super('DB_UNAVAILABLE', MESSAGES.dbUnavailable, { cause });
    this.name = 'DbUnavailableError';
  }
}

const DB_ERROR_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongooseServerSelectionError',
  'MongoPoolClearedError',
]);

/** True for errors that mean "the database did not answer", as opposed to a bad query. */
export function isDbUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DbUnavailableError) return true;
    if (DB_ERROR_NAMES.has(e.name)) return true;
    if (
      e.name === 'MongooseError' &&
      /buffering timed out|not connected|Connection was force closed/i.test(e.message)
    ) {
      return true;
    }
  }
  return false;
}

/** Short reference that lets an operator find the log line behind an internal error. */
export function errorRef(): string {
  return Math.random().toString(36).slice(2, 8).toUpperCase();
}

/** Turns any failure into something safe to show a user, plus what to log. */
export function toUserFacing(err: unknown): { message: string; code: ErrorCode; ref?: string } {
  if (isDbUnavailable(err)) return { message: MESSAGES.dbUnavailable, code: 'DB_UNAVAILABLE' };
  if (err instanceof SmxError) return { message: err.userMessage, code: err.code };
  const ref = errorRef();
  return { message: MESSAGES.internal(ref), code: 'INTERNAL', ref };
}

/** Start-up refused for a reason the operator must fix (a wrong token): main prints the message, no stack. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Codes that mean the user asked for something smx refuses or cannot do: normal use, not a fault. */
const USER_CODES: ReadonlySet<ErrorCode> = new Set([
  'BAD_INPUT',
  'NOT_ALLOWED',
  'NOT_FOUND',
  'CONFLICT',
  'NOT_CONFIGURED',
]);

/**
 * Logs a listener's failure at the level it deserves and returns what to tell the user: a user's mistake or a
 * refusal at info without a stack; the database being away at warn (it is reported by /healthz and recovers by
 * itself); a Slack/X/Facebook failure at warn; only a fault of smx itself at error, with the reference the user is
 * shown so an operator can find this line.
 */
export function logFailure(
  logger: Logger,
  err: unknown,
  what: string,
  fields: Record<string, unknown> = {},
): { message: string; code: ErrorCode; ref?: string } {
  const answer = toUserFacing(err);
  const reason = err instanceof Error ? err.message : String(err);
  if (USER_CODES.has(answer.code)) {
    logger.info({ ...fields, code: answer.code, reason }, what);
  } else if (answer.code === 'DB_UNAVAILABLE') {
    logger.warn({ ...fields, code: answer.code, reason }, what);
  } else if (answer.code === 'UPSTREAM') {
    logger.warn({ ...fields, code: answer.code, reason, cause: causeMessage(err) }, what);
  } else {
    logger.error({ ...fields, err, code: answer.code, ref: answer.ref }, what);
  }
  return answer;
}

function causeMessage(err: unknown): string | undefined {
  const cause = err instanceof Error ? err.cause : undefined;
  return cause instanceof Error ? cause.message : cause === undefined ? undefined : String(cause);
}
