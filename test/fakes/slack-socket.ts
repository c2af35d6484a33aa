/**
 * Slack's Socket Mode side, on loopback: the WebSocket URL that apps.connections.open hands out (through the fake
 * Web API, so SLACK_API_URL is exercised), a `hello` on connect, envelopes `{envelope_id, type, payload}` sent to the
 * app, and the app's acks `{envelope_id, payload?}` collected. Built on the `ws` package.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { waitFor } from './http';
import type { FakeSlack } from './slack';

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export class FakeSlackSocket {
  readonly acks: Ack[] = [];
  /** Every connection the app opened, oldest first. */
  readonly connections: WebSocket[] = [];
  private server: WebSocketServer | undefined;

  async start(slack: FakeSlack): Promise<this> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    this.server = server;
    const { port } = server.address() as AddressInfo;
    slack.socketUrl = () => `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}`;
    server.on('connection', (ws) => {
      this.connections.push(ws);
      ws.on('message', (data) => {
        try {
          const msg = JSON.parse(String(data)) as Ack;
          if (typeof msg.envelope_id === 'string') this.acks.push(msg);
        } catch {
          /* not an ack */
        }
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake', approximate_connection_time: 3600 },
          connection_info: { app_id: 'A0SMX' },
        }),
      );
    });
    return this;
  }

  /** The connection the app uses now. */
  get current(): WebSocket | undefined {
    return [...this.connections].reverse().find((c) => c.readyState === WebSocket.OPEN);
  }

  /** Sends an envelope; resolves with the app's ack of it. */
  async send(type: 'slash_commands' | 'interactive' | 'events_api', payload: unknown): Promise<Ack> {
    const ws = await waitFor('an open Socket Mode connection', () => this.current);
    const envelope_id = randomUUID();
    ws.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api' }));
    return waitFor(`the ack of ${type} envelope ${envelope_id}`, () =>
      this.acks.find((a) => a.envelope_id === envelope_id),
    );
  }

  /** Slack asks the app to reconnect (as when it recycles a server), then closes the socket. */
  dropCurrent(): void {
    const ws = this.current;
    if (!ws) return;
    ws.send(
      JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'fake' } }),
    );
    ws.terminate();
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
