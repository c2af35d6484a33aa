import type { SmxContext } from '../context';
import { parseResultValue, type ResultAction } from '../services/publish-results';
import { buttonListener } from './buttons';

/**
 * Shared by the publish-result buttons (Retry, Mark as published), not a listener itself: reads
 * `<shortId>:<target>` from the button, runs the service, answers with its denial or `done(shortId)`.
 */
export const publishResultButton = (
  ctx: SmxContext,
  name: string,
  run: ResultAction,
  done: (shortId: string) => string,
) =>
  buttonListener(ctx, name, async ({ action, body, client }, reply) => {
    const { shortId, target } = parseResultValue(action.value);
    const res = await run(ctx, client, shortId, target, body.user.id);
    await reply(res.kind === 'denied' ? res.message : done(shortId));
  });
