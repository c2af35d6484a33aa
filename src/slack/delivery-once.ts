/**
 * A repeated delivery (Slack's retry of an event, a replay of a signed request within its 5-minute window) is acked
 * and acts once. The claim of a delivery (an insert into seen-requests, started by the HTTP guard) runs while Bolt
 * routes the request, so the ack never waits for the database:
 *  - slash commands, button clicks, shortcuts and events are acked first by their listeners (or by Bolt itself, for
 *    events); their `ack()` sends the answer at once and then waits for the claim. For a repeat it throws
 *    RepeatedDelivery, so nothing after the ack runs. Listeners of these kinds therefore ack first, outside any
 *    try (src/slack/buttons.ts, listeners/commands/smx.ts) — as Slack asks of them anyway (3 seconds).
 *  - everything else (view submissions, whose listeners check and write before their ack carries the result;
 *    options requests) carries no claim here: the guard awaited it before Bolt saw the request (slack-guard.ts).
 * Bolt's App.processEvent is the one door both receivers use, so this wraps it.
 */
import type { App, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../logger';

/** The key under which a request's pending claim reaches Bolt's context (HTTPReceiver's customPropertiesExtractor). */
export const DELIVERY_CLAIM = 'smxDeliveryClaim';

/** Thrown by `ack()` of a repeated delivery after it was acked, so its listener stops there. */
export class RepeatedDelivery extends Error {
  /** A code, so Bolt's error handling passes it on as it is (asCodedError). */
  readonly code = 'smx_repeated_delivery';
  constructor(readonly retryNum?: number) {
    super('repeated delivery: acked, nothing done');
    this.name = 'RepeatedDelivery';
  }
}

/** The RepeatedDelivery inside what app.error is handed (Bolt passes coded errors on unwrapped), if any. */
export function repeatedDelivery(err: unknown): RepeatedDelivery | undefined {
  if (err instanceof RepeatedDelivery) return err;
  const original = (err as { original?: unknown } | undefined)?.original;
  return original instanceof RepeatedDelivery ? original : undefined;
}

function claimOf(event: ReceiverEvent): Promise<boolean> | undefined {
  const claim = event.customProperties?.[DELIVERY_CLAIM];
  return claim instanceof Promise ? (claim as Promise<boolean>) : undefined;
}

/** Makes every delivery that carries a claim act once. A repeat is logged here or, from a listener, by app.error. */
export function actOnce(app: App, logger: Logger): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent): Promise<void> => {
    const claim = claimOf(event);
    if (!claim) return processEvent(event);
    const ack: ReceiverEvent['ack'] = async (response) => {
      await event.ack(response);
      if (!(await claim)) throw new RepeatedDelivery(event.retryNum);
    };
    try {
      await processEvent({ ...event, ack });
    } catch (err) {
      // Events: Bolt's own ack, before any listener, threw it. Listeners' throws reach app.error instead.
      if (!(err instanceof RepeatedDelivery)) throw err;
      logRepeat(logger, err.retryNum);
    }
  };
}

export function logRepeat(logger: Logger, retryNum: number | string | undefined): void {
  logger.info({ retryNum }, 'repeated delivery ignored');
}
