/**
 * One Bolt listener per kind (block actions, view submissions) that hands each request to the listener of its id.
 * Bolt runs the middleware chain of every registered listener on every request, matching or not: with one Bolt
 * listener per action id and callback id that was 23 chains — each with its own copies, closures and promises, about
 * 60 KB of garbage — for every /smx command, click and submission (bench:ack). A router is one chain. Which listener
 * runs for which id is unchanged: Bolt passes the router only the ids of its routes (others stay unhandled, as
 * before), and the first route whose id matches runs — the ids are distinct, so that is the one that ran before.
 */
import type {
  App,
  Middleware,
  SlackAction,
  SlackActionMiddlewareArgs,
  SlackViewAction,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';

/** An exact id, or a pattern (e.g. `^plan_fill_canned(:|$)`, anchored itself; no flags). */
export type RouteId = string | RegExp;

export interface Route<Args> {
  id: RouteId;
  listener: Middleware<Args>;
}

type ActionArgs = SlackActionMiddlewareArgs<SlackAction>;
type ViewArgs = SlackViewMiddlewareArgs<SlackViewAction>;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function routeMatches(id: RouteId, value: string): boolean {
  return typeof id === 'string' ? id === value : id.test(value);
}

/** One pattern matching exactly the routes' ids: the exact ones anchored together, each pattern as its own branch. */
export function anyRoute(ids: readonly RouteId[]): RegExp {
  const exact = ids.filter((id): id is string => typeof id === 'string').map(escapeRegExp);
  const patterns = ids.filter((id): id is RegExp => typeof id !== 'string');
  for (const p of patterns)
    if (p.flags !== '') throw new Error(`route pattern ${p} must have no flags (a g or y flag keeps state)`);
  const branches = [
    ...(exact.length > 0 ? [`^(?:${exact.join('|')})$`] : []),
    ...patterns.map((p) => p.source),
  ];
  return new RegExp(branches.map((b) => `(?:${b})`).join('|'));
}

/**
 * A route for one listener. Bolt types a listener by what its constraint matches (a button's click, a select's
 * choice); the router keeps each listener with its own id, so that promise holds as it did with one Bolt listener each.
 */
export function action<A extends SlackAction>(
  id: RouteId,
  listener: Middleware<SlackActionMiddlewareArgs<A>>,
): Route<ActionArgs> {
  return { id, listener: listener as unknown as Middleware<ActionArgs> };
}

export function view<V extends SlackViewAction>(
  id: RouteId,
  listener: Middleware<SlackViewMiddlewareArgs<V>>,
): Route<ViewArgs> {
  return { id, listener: listener as unknown as Middleware<ViewArgs> };
}

function dispatch<Args>(routes: readonly Route<Args>[], idOf: (args: Args) => string): Middleware<Args> {
  return async (args) => {
    const id = idOf(args);
    const route = routes.find((r) => routeMatches(r.id, id));
    // Bolt let only the routes' ids through, so a route always matches.
    if (route) await route.listener(args);
  };
}

/** Block actions (buttons, selects), by action_id. */
export function routeActions(app: App, routes: readonly Route<ActionArgs>[]): void {
  if (routes.length === 0) return;
  app.action(
    anyRoute(routes.map((r) => r.id)),
    // Bolt matches an action id on block actions only, so the payload has one.
    dispatch(routes, (args) => ('action_id' in args.action ? args.action.action_id : '')),
  );
}

/** View submissions, by callback_id. */
export function routeViews(app: App, routes: readonly Route<ViewArgs>[]): void {
  if (routes.length === 0) return;
  app.view(
    anyRoute(routes.map((r) => r.id)),
    dispatch(routes, (args) => args.view.callback_id),
  );
}
