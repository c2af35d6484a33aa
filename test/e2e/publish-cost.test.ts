/**
 * Measures what one publish costs: API calls to the target and database round trips (every command the driver
 * sends, counted by a command monitor). Prints the figures for docs/posts.md; asserts only upper bounds that
 * catch a regression (an extra query per target), not timings.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { Post } from '../../models/post';
import { CONNECT_OPTIONS, type Database, initModels } from '../../src/db';
import { approvePost } from '../../src/services/post-decisions';
import { createPost } from '../../src/services/posts';
import { publishDue } from '../../src/services/publisher';
import { outboxSettled } from '../../src/services/slack-outbox';
import { FakeGraph } from '../fakes/graph';
import { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { startTestApp, type TestApp } from '../support/app';
import { testDbKind, testDbUri } from '../support/db';

describe('the cost of one publish', () => {
  let db: Database;
  let t: TestApp;
  let slack: FakeSlack;
  let x: FakeX;
  let graph: FakeGraph;
  const commands: string[] = [];

  beforeAll(async () => {
    const name = `smx_test_${randomBytes(5).toString('hex')}`;
    await mongoose.connect(testDbUri(), { ...CONNECT_OPTIONS, dbName: name, monitorCommands: true });
    await initModels();
    db = {
      kind: testDbKind(),
      location: name,
      connection: mongoose.connection,
      ping: async () => true,
      close: async () => {
        await mongoose.connection.dropDatabase();
        await mongoose.disconnect();
      },
    };
    mongoose.connection.getClient().on('commandStarted', (e) => commands.push(`${e.commandName}`));
    slack = await new FakeSlack().start();
    x = await new FakeX().start();
    graph = await new FakeGraph().start();
    t = await startTestApp({
      db,
      slack,
      env: { ...x.env(), ...graph.env(), SMX_APPROVALS_CHANNEL: 'C0APPROVALS', SMX_APPROVERS: 'U0BOSS' },
    });
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all([slack.close(), x.close(), graph.close()]);
    await db.close();
  });

  test.each([[['x']], [['x', 'facebook']]])('publishing to %j', async (targets) => {
    const client = t.smx.app.client;
    const post = await createPost(t.ctx, client, {
      authorId: 'U0STAFF',
      targets,
      when: { at: t.ctx.now(), now: true },
      text: `Cost probe ${targets.join('+')} #CityHospital`,
    });
    await approvePost(t.ctx, client, post.shortId, 1, 'U0BOSS');
    const slackBefore = slack.calls.length;
    const xBefore = x.calls.length;
    const graphBefore = graph.calls.length;
    commands.length = 0;
    await publishDue(t.ctx, client);
    // The card update and thread reply go out through the outbox, in the background: count them too.
    await outboxSettled(15_000);
    const db = commands.filter((c) => !['hello', 'isMaster', 'ping', 'endSessions'].includes(c));
    const byKind = db.reduce<Record<string, number>>((m, c) => {
      m[c] = (m[c] ?? 0) + 1;
      return m;
    }, {});
    const slackCalls = slack.calls.slice(slackBefore).map((c) => c.method);
    const figures = {
      targets,
      targetApiCalls: x.calls.length - xBefore + (graph.calls.length - graphBefore),
      slackCalls: slackCalls.length,
      slackMethods: slackCalls,
      dbRoundTrips: db.length,
      dbByCommand: byKind,
    };
    process.stdout.write(`PUBLISH COST ${JSON.stringify(figures)}\n`);
    expect((await Post.findOne({ shortId: post.shortId }).lean())?.status).toBe('published');
    expect(figures.targetApiCalls).toBe(targets.length);
    // 1 list + per target (claim insert, re-read, status, audit×2, result, publication, its roll-up marker and
    // delta (models/rollup.ts), claim note) + settle, and
    // the two decisions (start publishing, settle: an insert each, services/decisions.ts) announced in order (a read
    // of the decision before each, and the settle's "announced" mark); then the Slack outbox (slack-outbox.ts): per
    // thread reply an entry insert, an attempt-claim insert and a "delivered" update, and for the card the same plus
    // a read of the post before and after rendering it.
    // The posts working set (models/post-working-set.ts): each post write (the two decisions, one result per target)
    // is copied to the posts desk by a read, a replace and a re-read; the tick reads the desk, trims it and re-reads
    // the due post by _id, and the claim note reads its claim before writing it. Constant per publish, whatever the
    // archive holds.
    const workingSet = 3 * (2 + targets.length) + 4;
    expect(figures.dbRoundTrips).toBeLessThanOrEqual(
      9 + 11 * targets.length + 3 * targets.length + 5 + workingSet,
    );
  });
});
