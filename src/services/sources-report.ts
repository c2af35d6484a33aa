/**
 * What `/smx sources` shows: every review source (on/off, last success, last error, items stored), the feedback
 * webhook, each import source found in the store, and any other SourceState rows (e.g. the metrics snapshots'
 * 'audience:facebook') shown generically.
 */
import { reviewSources } from '../adapters/sources';
import type { SmxContext } from '../context';
import { sourceLabel } from '../slack/blocks/digest';
import { audienceTargets } from './audience-targets';
import { storedTotals } from './rollups';
import { allStates } from './source-state';

/** A feed's name as people read it: "X audience (followers)" for `audience:x`, else the id capitalised. */
function otherLabel(id: string): string {
  const audience = audienceTargets.find((a) => a.stateId === id);
  if (audience) return `${audience.label} audience (${audience.names?.followers ?? 'followers'})`;
  return sourceLabel(id);
}

/** Items stored per source, from the roll-ups' totals (one `_id` read and the small delta collection). */
async function storedPerSource(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const r of await storedTotals()) out.set(r.key, (out.get(r.key) ?? 0) + r.n);
  return out;
}

export type SourceKind = 'api' | 'webhook' | 'import' | 'other';

export interface SourceRow {
  name: string;
  label: string;
  kind: SourceKind;
  /** Null where on/off does not apply (imports, other feeds). */
  on: boolean | null;
  setupHint: string | null;
  items: number | null;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  unavailable: string | null;
  /** Source-specific lines, e.g. YouTube's quota spent today. */
  notes: string[];
}

export const WEBHOOK_SOURCE = 'feedback';

export async function sourcesReport(ctx: SmxContext): Promise<SourceRow[]> {
  const [states, counts] = await Promise.all([allStates(), storedPerSource()]);
  const stored = [...counts].filter(([, n]) => n > 0).map(([name]) => name);
  const stateOf = new Map(states.map((s) => [String(s._id), s]));
  const rows: SourceRow[] = [];
  const base = (name: string) => {
    const s = stateOf.get(name);
    return {
      lastRunAt: s?.lastRunAt ?? null,
      lastSuccessAt: s?.lastSuccessAt ?? null,
      lastError: s?.lastError ?? null,
      lastErrorAt: s?.lastErrorAt ?? null,
      unavailable: s?.unavailable ?? null,
    };
  };

  for (const src of reviewSources) {
    rows.push({
      name: src.name,
      label: src.label,
      kind: 'api',
      on: src.enabled(ctx.config),
      setupHint: src.setupHint,
      items: null,
      ...base(src.name),
      notes: src.enabled(ctx.config) && src.notes ? await src.notes(ctx.config, ctx.now()) : [],
    });
  }
  rows.push({
    name: WEBHOOK_SOURCE,
    label: 'Feedback webhook (POST /hooks/feedback)',
    kind: 'webhook',
    on: ctx.config.webhookSecret !== undefined,
    setupHint: 'set SMX_WEBHOOK_SECRET and sign requests with it',
    items: null,
    ...base(WEBHOOK_SOURCE),
    notes: [],
  });
  const known = new Set(rows.map((r) => r.name));
  const imported = stored.filter((s) => !known.has(s)).sort();
  for (const name of imported) {
    rows.push({
      name,
      label: `${sourceLabel(name)} (import or webhook)`,
      kind: 'import',
      on: null,
      setupHint: null,
      items: null,
      ...base(name),
      notes: [],
    });
    known.add(name);
  }
  for (const r of rows) r.items = counts.get(r.name) ?? 0;
  for (const s of states) {
    const name = String(s._id);
    if (known.has(name)) continue;
    rows.push({
      name,
      label: otherLabel(name),
      kind: 'other',
      on: null,
      setupHint: null,
      items: null,
      ...base(name),
      notes: [],
    });
  }
  return rows;
}
