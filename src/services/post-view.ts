/** A plain, typed snapshot of a post (Maps flattened), what services pass to Block Kit builders. */
import type { PostStatus } from '../../models/post';

export interface TargetResult {
  status: 'published' | 'failed' | 'needs_check';
  externalId: string | null;
  url: string | null;
  error: string | null;
  at: Date;
}

export interface PostView {
  id: string;
  shortId: string;
  text: string;
  targets: string[];
  scheduledAt: Date;
  publishNow: boolean;
  status: PostStatus;
  authorId: string;
  submittedAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  rejectedBy: string | null;
  rejectedAt: Date | null;
  rejectReason: string | null;
  cancelledBy: string | null;
  cancelledAt: Date | null;
  cardChannel: string | null;
  cardTs: string | null;
  results: Record<string, TargetResult>;
  publishedAt: Date | null;
  cannedId: string | null;
  revision: number;
  /** Who last changed the text (the author unless someone edited it). */
  textBy: string;
  /** The decision version (services/decisions.ts). */
  version: number;
  checks: { errors: string[]; warnings: string[]; passed: string[] };
  originChannel: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: mongoose documents are typed loosely; this is the one place we narrow
export function toView(doc: any): PostView {
  const o = typeof doc.toObject === 'function' ? doc.toObject({ flattenMaps: true }) : doc;
  const results: Record<string, TargetResult> = {};
  const raw = o.results instanceof Map ? Object.fromEntries(o.results) : (o.results ?? {});
  for (const [k, v] of Object.entries(raw as Record<string, TargetResult>)) results[k] = v;
  return {
    id: String(o._id),
    shortId: o.shortId,
    text: o.text,
    targets: [...(o.targets ?? [])],
    scheduledAt: o.scheduledAt,
    publishNow: Boolean(o.publishNow),
    status: o.status,
    authorId: o.authorId,
    submittedAt: o.submittedAt,
    approvedBy: o.approvedBy ?? null,
    approvedAt: o.approvedAt ?? null,
    rejectedBy: o.rejectedBy ?? null,
    rejectedAt: o.rejectedAt ?? null,
    rejectReason: o.rejectReason ?? null,
    cancelledBy: o.cancelledBy ?? null,
    cancelledAt: o.cancelledAt ?? null,
    cardChannel: o.cardChannel ?? null,
    cardTs: o.cardTs ?? null,
    results,
    publishedAt: o.publishedAt ?? null,
    cannedId: o.cannedId ?? null,
    revision: o.revision ?? 1,
    textBy: o.textBy ?? o.authorId,
    version: o.version ?? 1,
    checks: {
      errors: [...(o.checks?.errors ?? [])],
      warnings: [...(o.checks?.warnings ?? [])],
      passed: [...(o.checks?.passed ?? [])],
    },
    originChannel: o.originChannel ?? null,
  };
}
