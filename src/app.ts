import { createServer, type Server } from 'node:http';
import {
  App,
  HTTPReceiver,
  HTTPReceiverDeferredRequestError,
  type Receiver,
  SocketModeReceiver,
} from '@slack/bolt';
import { registerListeners } from '../listeners';
import type { SmxContext } from './context';
import { logFailure, StartupError } from './errors';
import { customRoutes } from './http';
import { listenOn, routesServer } from './http/server';
import {
  type GuardedRequest,
  guardSlackRequest,
  isSlackEventsRequest,
  SLACK_EVENTS_PATH,
} from './http/slack-guard';
import { FATAL_AUTH_ERRORS, HealthMonitor } from './services/health';
import { boltLogger } from './slack/bolt-logger';
import { actOnce, DELIVERY_CLAIM, logRepeat, repeatedDelivery } from './slack/delivery-once';
import { boundedFetch, RESPOND_TIMEOUT_MS } from './slack/respond';

export interface SmxAppOptions {
  /** Hold the HTTP answer until the listener finishes (tests); production acks first. */
  processBeforeResponse?: boolean;
  /** Retries of Slack Web API calls; tests set 0, since Slack's default policy retries for about 30 minutes. */
  slackRetries?: number;
  /** Socket Mode: how long the client waits before reconnecting (tests shorten Slack's 5 s default). */
  socketReconnectMs?: number;
  /** Per-attempt timeout of Slack Web API calls (tests shorten it); default SLACK_TIMEOUT_MS. */
  slackTimeoutMs?: number;
  /** Timeout of respond() (response_url posts) and other calls outside the Web API; default RESPOND_TIMEOUT_MS. */
  respondTimeoutMs?: number;
}

/**
 * No Slack call waits forever (issue 15): each attempt is aborted after SLACK_TIMEOUT_MS, and a failing call is
 * tried SLACK_RETRIES more times with a short backoff (Slack's own default policy retries for about 30 minutes, which
 * would leave a person without an answer that long). Worst case about 35 s before the caller hears of the failure.
 */
export const SLACK_TIMEOUT_MS = 10_000;
export const SLACK_RETRIES = 2;

export interface SmxApp {
  app: App;
  ctx: SmxContext;
  /** Checks the Slack tokens, then starts listening; resolves with the bound HTTP port (PORT=0 picks a free one). */
  start(): Promise<{ port: number | undefined }>;
  stop(): Promise<void>;
}

function slackErrorCode(err: unknown): string | undefined {
  const code = (err as { data?: { error?: unknown } } | undefined)?.data?.error;
  return typeof code === 'string' ? code : undefined;
}

/** Builds the Bolt app with every listener and HTTP route registered. Starting it is the caller's choice. */
export function createSmxApp(ctx: SmxContext, options: SmxAppOptions = {}): SmxApp {
  const { config } = ctx;
  const logger = boltLogger(ctx.logger);
  const health = ctx.health ?? new HealthMonitor(config);
  ctx.health = health;
  const routes = customRoutes(ctx);
  const clientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    // Bolt's respond() uses this fetch too, with no timeout of its own.
    fetch: boundedFetch(
      config.slack.apiUrl ?? 'https://slack.com/api/',
      options.respondTimeoutMs ?? RESPOND_TIMEOUT_MS,
    ),
    timeout: options.slackTimeoutMs ?? SLACK_TIMEOUT_MS,
    retryConfig:
      options.slackRetries === undefined
        ? { retries: SLACK_RETRIES, factor: 2, minTimeout: 1_000, maxTimeout: 4_000 }
        : { retries: options.slackRetries },
  };
  let httpReceiver: HTTPReceiver | undefined;
  let socketReceiver: SocketModeReceiver | undefined;
  let routesHttp: Server | undefined;
  let receiver: Receiver;
  if (config.slack.appToken) {
    socketReceiver = new SocketModeReceiver({
      appToken: config.slack.appToken,
      logger,
      // apps.connections.open goes to the same Web API base as every other call (SLACK_API_URL).
      installerOptions: { clientOptions },
      ...(options.socketReconnectMs === undefined ? {} : { clientPingTimeout: options.socketReconnectMs }),
    });
    const client = socketReceiver.client;
    client.on('connected', () => {
      health.socket = 'connected';
      ctx.logger.info({ mode: 'socket' }, 'Socket Mode: connected to Slack');
    });
    const down = (state: 'connecting' | 'disconnected') => () => {
      if (health.socket === 'connected')
        ctx.logger.warn({ mode: 'socket' }, 'Socket Mode: connection to Slack lost; reconnecting');
      health.socket = state;
    };
    client.on('close', down('disconnected'));
    client.on('disconnected', down('disconnected'));
    client.on('reconnecting', down('connecting'));
    routesHttp = routesServer(routes, ctx.logger);
    receiver = socketReceiver;
  } else {
    httpReceiver = new HTTPReceiver({
      signingSecret: config.slack.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      customRoutes: routes,
      processBeforeResponse: options.processBeforeResponse ?? false,
      // Every request Bolt treats as an event has passed the guard (httpServer), which verified its signature and
      // timestamp (stricter than Bolt: future timestamps too); verifying it again would only cost time per request.
      signatureVerification: false,
      // The guard's claim of the delivery, still under way, goes with the event (delivery-once.ts).
      customPropertiesExtractor: (req) => {
        const claim = (req as GuardedRequest)[DELIVERY_CLAIM];
        return claim ? { [DELIVERY_CLAIM]: claim } : {};
      },
      logger,
      // A listener that throws before answering is smx's fault, logged by app.error; the sender gets a 4xx, never
      // a 5xx that Slack would retry into the same failure.
      processEventErrorHandler: async ({ response }) => {
        if (!response.headersSent) response.writeHead(400).end('smx could not process this request');
        return false;
      },
    });
    receiver = httpReceiver;
  }

  // Deferred: Bolt's constructor would call auth.test at once and crash the process on a bad token (an unhandled
  // rejection); start() checks the token first and says which one is wrong.
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger,
    clientOptions,
    deferInitialization: true,
  });

  registerListeners(app, ctx);
  actOnce(app, ctx.logger);
  let server: Server | undefined;

  app.error(async (error) => {
    const repeat = repeatedDelivery(error);
    if (repeat) return logRepeat(ctx.logger, repeat.retryNum);
    // The backstop: listeners answer users themselves; this only catches what slipped through.
    logFailure(ctx.logger, error, 'unhandled error in a Slack listener');
  });

  const where = config.bindAddress ?? 'all interfaces';
  return {
    app,
    ctx,
    async start() {
      const auth = await health.slackAuth(true);
      if (!auth.ok && auth.fatal) {
        throw new StartupError(
          `Slack refuses SLACK_BOT_TOKEN (${auth.error}). Copy the Bot User OAuth Token (xoxb-…) again from your Slack app's OAuth & Permissions page (reinstall the app if it was revoked), set SLACK_BOT_TOKEN, and start again.`,
        );
      }
      if (!auth.ok) {
        ctx.logger.warn(
          { slack: auth.error },
          "can't reach Slack to check SLACK_BOT_TOKEN; Bolt keeps retrying, /healthz says so",
        );
      }
      await app.init();
      if (httpReceiver) {
        server = httpServer(ctx, httpReceiver);
        const port = await listenOn(server, config.port, config.bindAddress);
        ctx.logger.info(
          { port, host: where, mode: 'http' },
          `smx is listening on port ${port} of ${where} (POST /slack/events, GET /healthz)`,
        );
        return { port };
      }
      const port = await listenOn(routesHttp as Server, config.port, config.bindAddress);
      try {
        await app.start();
      } catch (err) {
        (routesHttp as Server).close();
        const code = slackErrorCode(err);
        if (code && FATAL_AUTH_ERRORS.has(code)) {
          throw new StartupError(
            `Slack refuses SLACK_APP_TOKEN (${code}). Create an App-Level Token with the connections:write scope (your Slack app → Basic Information → App-Level Tokens), set it as SLACK_APP_TOKEN, and start again.`,
          );
        }
        throw err;
      }
      ctx.logger.info(
        { mode: 'socket', port, host: where },
        `smx is connected to Slack in Socket Mode; GET /healthz on port ${port} of ${where}`,
      );
      return { port };
    },
    async stop() {
      if (httpReceiver) {
        const s = server;
        server = undefined;
        // Like Bolt's own stop: no new connections, requests in flight finish.
        await new Promise<void>((resolve) => {
          if (!s) return resolve();
          s.close(() => resolve());
          s.closeIdleConnections();
        });
        return;
      }
      // Bolt's stop does not wait for the WebSocket's close handshake; wait for it so nothing is left running.
      if (socketReceiver) await socketReceiver.client.disconnect();
      await app.stop();
      if (routesHttp?.listening) {
        routesHttp.closeAllConnections();
        await new Promise<void>((resolve) => routesHttp?.close(() => resolve()));
      }
    },
  };
}

/**
 * The HTTP server in front of Bolt's receiver: every POST /slack/events passes the guard (slack-guard.ts) first, so
 * no body Bolt cannot handle reaches it; other paths (health, webhooks) go straight to the receiver's routes.
 */
function httpServer(ctx: SmxContext, receiver: HTTPReceiver): Server {
  const pass = (
    req: Parameters<HTTPReceiver['requestListener']>[0],
    res: Parameters<HTTPReceiver['requestListener']>[1],
  ) => {
    try {
      receiver.requestListener(req, res);
    } catch (err) {
      if (!(err instanceof HTTPReceiverDeferredRequestError)) ctx.logger.error({ err }, 'request failed');
      if (!res.headersSent) res.writeHead(404).end();
    }
  };
  return createServer((req, res) => {
    if (!isSlackEventsRequest(req)) {
      pass(req, res);
      return;
    }
    guardSlackRequest(ctx, req, res).then(
      (ok) => {
        if (ok) pass(req, res);
      },
      (err: unknown) => {
        ctx.logger.error({ err }, 'slack request guard failed');
        if (!res.headersSent) res.writeHead(400).end('smx could not read this request');
      },
    );
  });
}
