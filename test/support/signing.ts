import { createHmac } from 'node:crypto';

export const TEST_SIGNING_SECRET = 'test-signing-secret';

/** Slack's request signature: v0=HMAC-SHA256("v0:{ts}:{body}"). */
export function slackSignature(
  body: string,
  secret = TEST_SIGNING_SECRET,
  ts = Math.floor(Date.now() / 1000),
) {
  const sig = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${sig}`, 'x-slack-request-timestamp': String(ts) };
}
