/**
 * PNG charts without a browser: a vega-lite spec is compiled to vega, rendered to SVG by a headless vega View and
 * rasterised by resvg with the system fonts. Each chart comes with alt text that states the finding.
 */
import type { TopLevelSpec } from 'vega-lite';
import { targetLabel } from '../adapters/targets';
import { fmt1 } from '../slack/blocks/metrics';
import { goalBand, judgeCadence, VERDICT_WORDS } from './cadence';
import type { WeeklySeries } from './metrics';

export interface Chart {
  filename: string;
  title: string;
  altText: string;
  png: Buffer;
}

const FONT = 'DejaVu Sans';

export async function renderPng(spec: TopLevelSpec): Promise<Buffer> {
  // Loaded on first use: vega and vega-lite take about a second to load, which every start-up would pay otherwise.
  const [{ Resvg }, vega, vl] = await Promise.all([
    import('@resvg/resvg-js'),
    import('vega'),
    import('vega-lite'),
  ]);
  const compiled = vl.compile({
    ...spec,
    config: {
      font: FONT,
      background: 'white',
      ...(spec.config ?? {}),
    },
  } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG(2);
    const png = new Resvg(svg, {
      font: { loadSystemFonts: true, defaultFontFamily: FONT },
      background: 'white',
    })
      .render()
      .asPng();
    return Buffer.from(png);
  } finally {
    view.finalize();
  }
}

function weekLabel(week: string): string {
  return week.replace(/^\d{4}-/, '');
}

/** A line across the middle of a chart with nothing to draw, so empty axes never pass for a real chart. */
function emptyNote(text: string) {
  return {
    data: { values: [{ note: text }] },
    mark: { type: 'text' as const, fontSize: 18, color: '#555555' },
    encoding: {
      text: { field: 'note', type: 'nominal' as const },
      x: { value: 280 },
      y: { value: 130 },
    },
  };
}

function weekRange(weeks: readonly string[]): string {
  const first = weeks[0];
  const last = weeks[weeks.length - 1];
  return first && last ? ` (${weekLabel(first)}–${weekLabel(last)})` : '';
}

function change(last: number | null, before: number | null, show: (n: number) => string): string {
  if (last === null) return 'no data';
  if (before === null) return show(last);
  if (last > before) return `${show(last)}, up from ${show(before)}`;
  if (last < before) return `${show(last)}, down from ${show(before)}`;
  return `${show(last)}, same as the week before`;
}

/** Reviews and feedback per week (bars) and the average rating (line), over the series' weeks. */
export async function ratingVolumeChart(series: WeeklySeries): Promise<Chart> {
  const values = series.reviews.map((r) => ({
    week: weekLabel(r.week),
    count: r.count,
    rating: r.avgRating,
  }));
  const empty = series.reviews.every((r) => r.count === 0);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Reviews and feedback per week, with the average rating',
    width: 560,
    height: 260,
    data: { values },
    encoding: { x: { field: 'week', type: 'ordinal', title: 'ISO week', sort: null } },
    layer: [
      {
        mark: { type: 'bar', color: '#7aa6d8' },
        encoding: { y: { field: 'count', type: 'quantitative', title: 'Items' } },
      },
      {
        mark: { type: 'line', color: '#d0582b', point: true, strokeWidth: 2 },
        transform: [{ filter: 'datum.rating != null' }],
        encoding: {
          y: { field: 'rating', type: 'quantitative', title: 'Average rating', scale: { domain: [1, 5] } },
        },
      },
      ...(empty ? [emptyNote('No reviews or feedback in these weeks')] : []),
    ],
    resolve: { scale: { y: 'independent' } },
  };
  const last = series.reviews[series.reviews.length - 1];
  const before = series.reviews[series.reviews.length - 2];
  const altText = empty
    ? `No reviews or feedback in these ${series.weeks.length} weeks${weekRange(series.weeks)}.`
    : `Reviews and feedback per week over ${series.weeks.length} weeks; in week ${weekLabel(last?.week ?? '')}: ` +
      `${change(last?.count ?? null, before?.count ?? null, (n) => String(n))}; ` +
      `average rating ${change(last?.avgRating ?? null, before?.avgRating ?? null, fmt1)}.`;
  return {
    filename: 'reviews-per-week.png',
    title: 'Reviews and rating per week',
    altText,
    png: await renderPng(spec),
  };
}

/** Posts per week per target (bars) against each target's cadence band (shaded min–max). */
export async function postsCadenceChart(series: WeeklySeries): Promise<Chart> {
  const lastWeek = series.weeks[series.weeks.length - 1] ?? '';
  // A week still running is labelled so: its bars are not a whole week's posts.
  const shownWeek = (w: string) =>
    w === lastWeek && series.lastWeek.partial ? `${weekLabel(w)} so far` : weekLabel(w);
  const values = series.posts.map((p) => ({
    week: shownWeek(p.week),
    target: targetLabel(p.target),
    count: p.count,
  }));
  const targets = [...new Set(series.posts.map((p) => p.target))];
  const empty = series.posts.every((p) => p.count === 0);
  const bands = targets
    .filter((t) => series.cadence[t])
    .map((t) => ({
      target: targetLabel(t),
      min: series.cadence[t]?.min ?? 0,
      max: series.cadence[t]?.max ?? 0,
    }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Posts per week against the cadence goal (shaded)',
    width: 560,
    height: 260,
    layer: [
      {
        data: { values: bands },
        mark: { type: 'rect', opacity: 0.15 },
        encoding: {
          y: { field: 'min', type: 'quantitative', title: 'Posts' },
          y2: { field: 'max' },
          color: { field: 'target', type: 'nominal', title: 'Target' },
        },
      },
      {
        data: { values: bands },
        mark: { type: 'rule', strokeDash: [4, 3] },
        encoding: { y: { field: 'min', type: 'quantitative' }, color: { field: 'target', type: 'nominal' } },
      },
      {
        data: { values },
        mark: 'bar',
        encoding: {
          x: { field: 'week', type: 'ordinal', title: 'ISO week', sort: null },
          xOffset: { field: 'target' },
          y: { field: 'count', type: 'quantitative' },
          color: { field: 'target', type: 'nominal' },
        },
      },
      ...(empty ? [emptyNote('No posts published in these weeks')] : []),
    ],
  };
  const { days, partial } = series.lastWeek;
  const parts = targets.map((t) => {
    const n = series.posts.find((p) => p.target === t && p.week === lastWeek)?.count ?? 0;
    const goal = series.cadence[t];
    const name = targetLabel(t);
    if (!goal) return `${name} ${n}`;
    // The same verdict as the metrics text (src/services/cadence.ts), for the days of the week counted.
    const verdict = VERDICT_WORDS[judgeCadence(n, goal, days, partial).verdict];
    return `${name} ${n} (goal ${goalBand(goal)}, ${verdict})`;
  });
  const soFar = partial ? ` so far (${days} of 7 days)` : '';
  const altText = empty
    ? `No posts published in these ${series.weeks.length} weeks${weekRange(series.weeks)}.`
    : `Posts per week over ${series.weeks.length} weeks; in week ${weekLabel(lastWeek)}${soFar}: ${parts.join('; ')}.`;
  return {
    filename: 'posts-per-week.png',
    title: 'Posts per week vs cadence',
    altText,
    png: await renderPng(spec),
  };
}

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(buf: Buffer): { width: number; height: number } | null {
  const magic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buf.length < 24 || !buf.subarray(0, 8).equals(magic)) return null;
  if (buf.subarray(12, 16).toString('ascii') !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}
