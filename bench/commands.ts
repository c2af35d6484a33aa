/**
 * `npm run bench:commands`: every `/smx` subcommand, a button click's follow-up and one signed webhook item, driven
 * over HTTP against the real app (fake Slack), at 1k reviews / 50 posts and at 100k reviews / 5k posts
 * (SMX_BENCH_BIG=10000 for a quicker look; posts scale with it), archive layout SMX_BENCH_LAYOUT (bench/seed.ts).
 * Each figure is from sending the request to the last response_url answer. Prints figures; asserts nothing.
 *
 * How it stays fair between the sizes, whose requests take 2–70 ms each:
 * - Each size is a process of its own (bench/commands-app.ts) with its own embedded FerretDB (or its own database on
 *   MONGODB_URI), its own fake Slack and the app. Each child seeds and prepares its archive itself, one child after
 *   the other (the 1k child waits idle while the 100k one seeds), and collects its garbage before it reports ready;
 *   neither size's heap or database process carries the other's seeding.
 * - One untimed pass of every request at each size, then REPEATS (25) rounds: in each, every request runs once at
 *   each size, back to back, the size that goes first alternating from round to round — so whatever the machine
 *   does in a given minute falls on both sizes alike. This process only sends the next request and waits: the time
 *   is taken in the child (performance.now() around the request) and comes back by IPC with the database commands
 *   it caused (driver command monitoring: round trips, and the time from each one's start to its answer summed —
 *   more than the request's time when it sends some in parallel).
 * - Per request and size: the median over the rounds, its p25–p75 spread, the ratio of the medians, the p25–p75 of
 *   the per-round ratios (a round's two runs of a request are back to back), the database time and round trips;
 *   the load average before and after the rounds.
 *
 * SMX_BENCH_REPEATS sets the rounds; SMX_BENCH_TRACE=1 prints, per size, every query of every subcommand that is not
 * an exact `_id` lookup (a scan on FerretDB).
 */
import os from 'node:os';
import path from 'node:path';
import { ForkedChild } from './child';
import type { FromSize, ToSize } from './commands-app';
import { LAYOUT } from './seed';

const REPEATS = Number(process.env.SMX_BENCH_REPEATS ?? 25);
const TRACE = process.env.SMX_BENCH_TRACE === '1';
const BIG = Number(process.env.SMX_BENCH_BIG ?? 100_000);
const GOAL = 1.5;

/** One archive size's process: forked, prepared, then driven one request at a time. */
class SizeProcess {
  requests: string[] = [];
  kind = '';
  private constructor(
    readonly label: string,
    private readonly child: ForkedChild<ToSize, FromSize>,
  ) {}

  static async start(label: string, reviews: number, posts: number): Promise<SizeProcess> {
    const child = ForkedChild.fork<ToSize, FromSize>(
      label,
      path.join(__dirname, 'commands-app.ts'),
      [label, String(reviews), String(posts)],
      { execArgv: [...process.execArgv, '--expose-gc'] },
    );
    const size = new SizeProcess(label, child);
    const ready = await child.next();
    if (ready.type !== 'ready') throw new Error(`${label}: unexpected ${ready.type}`);
    size.requests = ready.requests;
    size.kind = ready.kind;
    for (const line of ready.prepared) console.log(`  ${line}`);
    return size;
  }

  async ask(m: ToSize): Promise<FromSize> {
    const got = await this.child.ask(m);
    if (got.type === 'failed') throw new Error(`${this.label}: ${got.message}`);
    return got;
  }

  async time(request: string, key: string): Promise<Run> {
    const got = await this.ask({ type: 'time', request, key: `${this.label}-${key}` });
    if (got.type !== 'timed') throw new Error(`${this.label}: unexpected ${got.type}`);
    return got;
  }
}

interface Run {
  ms: number;
  dbMs: number;
  trips: number;
}

/** The q-quantile of `xs` (linear between the two nearest ranks, as R's default and numpy's do). */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const a = s[lo] as number;
  const b = s[Math.min(lo + 1, s.length - 1)] as number;
  return a + (b - a) * (at - lo);
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const spread = (xs: number[]) => `${ms(quantile(xs, 0.25))}–${ms(quantile(xs, 0.75))}`;

async function main(): Promise<void> {
  const bigLabel = `${BIG / 1000}k`;
  console.log(
    `bench:commands — ${os.cpus().length} CPU(s), archive layout ${LAYOUT} (SMX_BENCH_LAYOUT; see bench/seed.ts), each size in its own process with its own database; load average ${load()}`,
  );
  const small = await SizeProcess.start('1k', 1_000, 50);
  const big = await SizeProcess.start(bigLabel, BIG, BIG / 20);
  const sizes = [small, big];
  const requests = small.requests;
  if (big.requests.join('\n') !== requests.join('\n'))
    throw new Error('the two sizes run different requests');
  console.log(
    `  database: ${small.kind}; ${REPEATS} interleaved rounds after one warm-up pass per size; load average ${load()}`,
  );

  const loadBefore = load();
  for (const request of requests) for (const size of sizes) await size.time(request, 'warmup');
  const runs = new Map(requests.map((r) => [r, [[], []] as [Run[], Run[]]]));
  for (let round = 0; round < REPEATS; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const request of requests) {
      for (const i of order) {
        const size = sizes[i] as SizeProcess;
        runs.get(request)?.[i]?.push(await size.time(request, String(round)));
      }
    }
  }
  const loadAfter = load();

  if (TRACE) {
    for (const size of sizes) {
      const got = await size.ask({ type: 'trace' });
      if (got.type !== 'traced') throw new Error(`${size.label}: unexpected ${got.type}`);
      console.log(`\nqueries at ${size.label} (SMX_BENCH_TRACE=1):\n${got.lines.join('\n')}`);
    }
  }

  const head = (s: string) => `${`${s} ms`.padStart(8)} ${'p25–p75'.padStart(13)}`;
  console.log(
    `\n${`request (median of ${REPEATS})`.padEnd(28)} ${head('1k')} ${head(bigLabel)} ${'ratio'.padStart(6)} ${'per round'.padStart(11)} ${'db ms 1k / big'.padStart(15)} ${'trips'.padStart(9)}`,
  );
  let worst = { ratio: 0, request: '' };
  let met = 0;
  for (const request of requests) {
    const [a, b] = runs.get(request) as [Run[], Run[]];
    const ta = a.map((r) => r.ms);
    const tb = b.map((r) => r.ms);
    const ratio = quantile(tb, 0.5) / quantile(ta, 0.5);
    const paired = tb.map((x, i) => x / (ta[i] as number));
    if (ratio > worst.ratio) worst = { ratio, request };
    if (ratio <= GOAL) met += 1;
    const db = `${ms(
      quantile(
        a.map((r) => r.dbMs),
        0.5,
      ),
    )} / ${ms(
      quantile(
        b.map((r) => r.dbMs),
        0.5,
      ),
    )}`;
    const trips = `${quantile(
      a.map((r) => r.trips),
      0.5,
    )}/${quantile(
      b.map((r) => r.trips),
      0.5,
    )}`;
    console.log(
      `${request.padEnd(28)} ${ms(quantile(ta, 0.5)).padStart(8)} ${spread(ta).padStart(13)} ${ms(quantile(tb, 0.5)).padStart(8)} ${spread(tb).padStart(13)} ${`${ratio.toFixed(2)}×`.padStart(6)} ${spread(paired).padStart(11)} ${db.padStart(15)} ${trips.padStart(9)}`,
    );
  }
  console.log(
    `\nworst ratio ${bigLabel}/1k: ${worst.ratio.toFixed(2)}× (${worst.request}); ${met} of ${requests.length} ≤ ${GOAL}×; load average before the rounds ${loadBefore}, after ${loadAfter}`,
  );
  console.log(
    'before (landed main, issue 14, 54,492 reviews vs empty): webhook item 11.7 s (780×), reviews open 36.8 s (682×), digest preview 54.5 s (956×), sources 60 s (1,818×), metrics 30d 23 s.',
  );
  for (const size of sizes) await size.ask({ type: 'exit' });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
