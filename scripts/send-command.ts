/**
 * Sends a signed `/smx` slash command to a running smx, as Slack would:
 *   SLACK_SIGNING_SECRET=… npx tsx scripts/send-command.ts http://127.0.0.1:3000 "help" [response_url]
 */
import { slackSignature } from '../test/support/signing';

async function main(): Promise<void> {
  const [url = 'http://127.0.0.1:3000', text = 'help', responseUrl = 'http://127.0.0.1:4000/respond/cli'] =
    process.argv.slice(2);
  const secret = process.env.SLACK_SIGNING_SECRET ?? '';
  const body = new URLSearchParams({
    team_id: 'T0TEST',
    channel_id: 'C0CLI',
    user_id: 'U0CLI',
    command: '/smx',
    text,
    response_url: responseUrl,
    trigger_id: 'cli',
  }).toString();
  const started = Date.now();
  const res = await fetch(`${url}/slack/events`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(body, secret) },
  });
  console.log(`HTTP ${res.status} in ${Date.now() - started} ms ${await res.text()}`);
}

void main();
