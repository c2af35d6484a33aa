/**
 * The HTTP server for /healthz and the webhooks in Socket Mode, where Slack's requests come over the WebSocket and
 * Bolt's own HTTP server can neither bind to SMX_BIND_ADDRESS nor pick a free port (PORT=0).
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';
import type { Logger } from '../logger';
import { sendJson } from './respond';

export function routesServer(routes: CustomRoute[], logger: Logger): Server {
  return http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const route = routes.find((r) => r.path === pathname);
    const methods = route ? (Array.isArray(route.method) ? route.method : [route.method]) : [];
    if (!route || !methods.includes(req.method ?? '')) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    Promise.resolve(route.handler(Object.assign(req, { params: {} }), res)).catch((err: unknown) => {
      logger.error({ err, path: pathname }, 'HTTP route failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
}

/** Listens on `port` (0 = a free one) at `host` (undefined = every interface); resolves with the bound port. */
export function listenOn(server: Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
