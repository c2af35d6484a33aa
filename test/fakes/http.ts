import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

export function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts a loopback HTTP server on `wantedPort` (default: a free one). */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  wantedPort = 0,
): Promise<FakeServer> {
  const server = http.createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(err) });
    });
  });
  // Idle keep-alive connections stay open longer than a client keeps them (Node's default closes them after 5 s):
  // on a loaded machine the server's close could race a client reusing the socket, failing a call with
  // "fetch failed" that no real API would cause.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(wantedPort, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls until `check` returns a value (not undefined) or the time runs out; the error names what was awaited. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 10000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The content of the first part of a multipart/form-data body (what the Web API client uploads). */
export function firstMultipartPart(body: Buffer, contentType: string | undefined): Buffer {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return body;
  const delimiter = Buffer.from(`--${boundary}`);
  const start = body.indexOf(delimiter);
  if (start < 0) return body;
  const headersEnd = body.indexOf('\r\n\r\n', start);
  const next = body.indexOf(delimiter, headersEnd);
  if (headersEnd < 0 || next < 0) return body;
  return body.subarray(headersEnd + 4, next - 2); // the part ends with CRLF before the next delimiter
}
