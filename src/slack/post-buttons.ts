/** Shared plumbing for the post buttons and modals: ephemeral answers and error mapping (no business logic). */
import type { RespondFn } from '@slack/bolt';
import type { SmxContext } from '../context';
import { toUserFacing } from '../errors';

export async function answer(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}

/** Runs a button's work; any failure becomes a fixed ephemeral message and one log line. */
export async function guarded(
  ctx: SmxContext,
  what: string,
  respond: RespondFn,
  fn: () => Promise<void>,
): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const a = toUserFacing(err);
    ctx.logger.error({ err, code: a.code, ref: a.ref, listener: what }, 'post button failed');
    try {
      await answer(respond, a.message);
    } catch (e) {
      ctx.logger.error({ err: e }, 'could not tell the user about the failure');
    }
  }
}
