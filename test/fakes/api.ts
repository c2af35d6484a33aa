/**
 * A small programmable JSON API on loopback: a public route table, a record of every call, and scripted failures
 * ("answer the next 2 calls to /ratings with 429 and Retry-After: 2"). FakeGoogle, FakeGraph and FakeX build on it;
 * tests of other features add their own routes with `route()`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FakeServer, json, listen, readRaw } from './http';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
  /** The form or JSON body, parsed when it is one. */
  fields: Record<string, unknown>;
}

export interface RouteRequest extends RecordedCall {
  params: Record<string, string>;
}

export interface RouteAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (req: RouteRequest) => RouteAnswer | Promise<RouteAnswer>;

export interface Route {
  method: string;
  /** `/v4/accounts/:account/locations/:location/reviews` style; `:name` matches one path segment. */
  pattern: string;
  handler: RouteHandler;
}

interface ScriptedFailure {
  method: string;
  pattern: RegExp;
  answer: RouteAnswer;
  times: number;
}

function compile(pattern: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const src = pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { re: new RegExp(`^${src}$`), names };
}

export class FakeApi {
  readonly calls: RecordedCall[] = [];
  /** Checked in order; later `route()` calls for the same method and pattern win (they are put first). */
  readonly routes: Route[] = [];
  private failures: ScriptedFailure[] = [];
  private server: FakeServer | undefined;
  /** Prefix the routes live under (e.g. '/v21.0' for Graph); part of `url`. */
  constructor(readonly basePath = '') {}

  get url(): string {
    if (!this.server) throw new Error('fake API not started');
    return `${this.server.url}${this.basePath}`;
  }

  route(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.unshift({ method: method.toUpperCase(), pattern, handler });
    return this;
  }

  /** The next `times` calls whose path matches `pathPattern` (regex source or RegExp) get `answer` instead. */
  failNext(method: string, pathPattern: string | RegExp, answer: RouteAnswer, times = 1): this {
    const pattern = typeof pathPattern === 'string' ? new RegExp(pathPattern) : pathPattern;
    this.failures.push({ method: method.toUpperCase(), pattern, answer, times });
    return this;
  }

  callsTo(method: string, pathPattern: string | RegExp): RecordedCall[] {
    const re = typeof pathPattern === 'string' ? new RegExp(pathPattern) : pathPattern;
    return this.calls.filter((c) => c.method === method.toUpperCase() && re.test(c.path));
  }

  async start(): Promise<this> {
    this.server = await listen((req, res) => this.handle(req, res));
    return this;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = (await readRaw(req)).toString('utf8');
    const u = new URL(req.url ?? '/', 'http://fake');
    let path = decodeURIComponent(u.pathname);
    if (this.basePath && path.startsWith(this.basePath)) path = path.slice(this.basePath.length) || '/';
    let fields: Record<string, unknown> = {};
    const type = req.headers['content-type'] ?? '';
    if (type.includes('application/x-www-form-urlencoded'))
      fields = Object.fromEntries(new URLSearchParams(raw));
    else if (type.includes('json') && raw !== '') {
      try {
        fields = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        /* left empty: the route sees `body` */
      }
    }
    const call: RecordedCall = {
      method: (req.method ?? 'GET').toUpperCase(),
      path,
      query: Object.fromEntries(u.searchParams),
      headers: req.headers,
      body: raw,
      fields,
    };
    this.calls.push(call);

    const failure = this.failures.find(
      (f) => f.times > 0 && f.method === call.method && f.pattern.test(path),
    );
    if (failure) {
      failure.times--;
      this.send(res, failure.answer);
      return;
    }
    for (const r of this.routes) {
      if (r.method !== call.method) continue;
      const { re, names } = compile(r.pattern);
      const m = re.exec(path);
      if (!m) continue;
      const params = Object.fromEntries(names.map((n, i) => [n, m[i + 1] ?? '']));
      this.send(res, await r.handler({ ...call, params }));
      return;
    }
    json(res, 404, { error: { message: `fake API has no route for ${call.method} ${path}` } });
  }

  private send(res: ServerResponse, a: RouteAnswer): void {
    json(res, a.status ?? 200, a.body ?? {}, a.headers ?? {});
  }
}

/** Newest-first paging over a list with opaque numeric tokens, as Google and Graph do it. */
export function page<T>(all: readonly T[], token: string | undefined, size: number) {
  const start = token ? Number(token) : 0;
  const items = all.slice(start, start + size);
  const next = start + size < all.length ? String(start + size) : undefined;
  return { items, next };
}
