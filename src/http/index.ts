import type { CustomRoute } from '@slack/bolt';
import type { SmxContext } from '../context';
import { healthRoute } from './health';

/** HTTP paths besides /slack/events (health, webhooks). Adding one = one file + one line here. */
export function customRoutes(ctx: SmxContext): CustomRoute[] {
  return [healthRoute(ctx)];
}
