/**
 * A local stand-in for Slack's Web API, for trying smx without a workspace:
 *   npx tsx scripts/fake-slack.ts 4000     # then SLACK_API_URL=http://127.0.0.1:4000/api/ npm start
 * It prints every Web API call and response_url answer smx makes. Signed requests to smx can be sent with
 * scripts/send-command.ts.
 */
import { FAKE_BOT_TOKEN, FakeSlack } from '../test/fakes/slack';

const port = Number(process.argv[2] ?? 4000);

async function main(): Promise<void> {
  const slack = await new FakeSlack().start(port);
  let seenCalls = 0;
  let seenResponses = 0;
  setInterval(() => {
    for (const c of slack.calls.slice(seenCalls))
      console.log(`[api] ${c.method} ${JSON.stringify(c.args).slice(0, 300)}`);
    for (const r of slack.responses.slice(seenResponses))
      console.log(`[response_url ${r.id}] ${JSON.stringify(r.body).slice(0, 300)}`);
    seenCalls = slack.calls.length;
    seenResponses = slack.responses.length;
  }, 200);
  console.log(
    `fake Slack on ${slack.apiUrl} — use SLACK_BOT_TOKEN=${FAKE_BOT_TOKEN} SLACK_API_URL=${slack.apiUrl}`,
  );
}

void main();
