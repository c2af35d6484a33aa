import type { CustomRoute } from '@slack/bolt';
import type { SmxContext } from '../context';
import { feedbackPageRoute } from './feedback-page';
import { feedbackWebhookRoute } from './feedback-webhook';
import { healthRoute } from './health';
import { visitsWebhookRoute } from './visits-webhook';

/** HTTP paths besides /slack/events (health, webhooks, the public feedback pages). Adding one = one file + one line here. */
export function customRoutes(ctx: SmxContext): CustomRoute[] {
  return [healthRoute(ctx), feedbackWebhookRoute(ctx), visitsWebhookRoute(ctx), feedbackPageRoute(ctx)];
}
