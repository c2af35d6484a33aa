import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from '@slack/bolt';
import { registerListeners } from '../listeners';
import type { SmxContext } from './context';
import { toUserFacing } from './errors';
import { customRoutes } from './http';
import { boltLogger } from './slack/bolt-logger';

export interface SmxAppOptions {
  /** Hold the HTTP answer until the listener finishes (tests); production acks first. */
  processBeforeResponse?: boolean;
  /** Retries of Slack Web API calls; tests set 0, since Slack's default policy retries for about 30 minutes. */
  slackRetries?: number;
}

export interface SmxApp {
  app: App;
  ctx: SmxContext;
  /** Starts listening; in HTTP mode resolves with the bound port (PORT=0 picks a free one). */
  start(): Promise<{ port: number | undefined }>;
  stop(): Promise<void>;
}

/** Builds the Bolt app with every listener and HTTP route registered. Starting it is the caller's choice. */
export function createSmxApp(ctx: SmxContext, options: SmxAppOptions = {}): SmxApp {
  const { config } = ctx;
  const logger = boltLogger(ctx.logger);
  const routes = customRoutes(ctx);
  let httpReceiver: HTTPReceiver | undefined;
  let receiver: Receiver;
  if (config.slack.appToken) {
    receiver = new SocketModeReceiver({
      appToken: config.slack.appToken,
      customRoutes: routes,
      installerOptions: { port: config.port },
      logger,
    });
  } else {
    httpReceiver = new HTTPReceiver({
      signingSecret: config.slack.signingSecret,
      endpoints: '/slack/events',
      customRoutes: routes,
      processBeforeResponse: options.processBeforeResponse ?? false,
      logger,
    });
    receiver = httpReceiver;
  }

  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger,
    clientOptions: {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      ...(options.slackRetries === undefined ? {} : { retryConfig: { retries: options.slackRetries } }),
    },
  });

  registerListeners(app, ctx);

  app.error(async (error) => {
    // The backstop: listeners answer users themselves; this only catches what slipped through.
    const answer = toUserFacing(error);
    ctx.logger.error(
      { err: error, code: answer.code, ref: answer.ref },
      'unhandled error in a Slack listener',
    );
  });

  return {
    app,
    ctx,
    async start() {
      if (httpReceiver) {
        const server = (await httpReceiver.start(config.port)) as Server;
        const port = (server.address() as AddressInfo).port;
        ctx.logger.info(
          { port, mode: 'http' },
          `smx is listening on port ${port} (POST /slack/events, GET /healthz)`,
        );
        return { port };
      }
      await app.start();
      ctx.logger.info({ mode: 'socket', port: config.port }, 'smx is connected to Slack in Socket Mode');
      return { port: config.port };
    },
    async stop() {
      await app.stop();
    },
  };
}
