/** A plain, typed snapshot of a post (Maps flattened), what services pass to Block Kit builders. */
import { POST_KINDS, type PostKindName, type PostStatus } from '../../models/post';
import type { LinkPreview } from './link-previews';

export interface TargetResult {
  status: 'published' | 'failed' | 'needs_check';
  externalId: string | null;
  url: string | null;
  error: string | null;
  at: Date;
}

export interface ReplyRef {
  reviewId: string;
  source: string;
  externalId: string;
  facility: string | null;
  url: string | null;
  originChannel: string | null;
  originTs: string | null;
  originBlocks: string | null;
}

export interface PhiState {
  findings: Array<{ kind: string; match: string; why: string }>;
  overriddenBy: string | null;
  overriddenAt: Date | null;
  overrideReason: string | null;
}

export interface PostView {
  id: string;
  /** Optional so that views built by hand (tests, fixtures) need not name them: absent = a post, no findings. */
  kind?: PostKindName;
  reply?: ReplyRef | null;
  phi?: PhiState;
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
  /** Kind-specific data (post-kinds/): a repost's original, a video fix's video. */
  details?: Record<string, unknown> | null;
  /** YouTube/Flickr links in the text, looked up at drafting. */
  previews?: LinkPreview[];
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
  const r = o.reply;
  return {
    id: String(o._id),
    kind: POST_KINDS.includes(o.kind) ? o.kind : 'post',
    reply: r
      ? {
          reviewId: r.reviewId,
          source: r.source,
          externalId: r.externalId,
          facility: r.facility ?? null,
          url: r.url ?? null,
          originChannel: r.originChannel ?? null,
          originTs: r.originTs ?? null,
          originBlocks: r.originBlocks ?? null,
        }
      : null,
    phi: {
      findings: (o.phi?.findings ?? []).map((f: { kind: string; match: string; why: string }) => ({
        kind: f.kind,
        match: f.match,
        why: f.why,
      })),
      overriddenBy: o.phi?.overriddenBy ?? null,
      overriddenAt: o.phi?.overriddenAt ?? null,
      overrideReason: o.phi?.overrideReason ?? null,
    },
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
    details: o.details && typeof o.details === 'object' ? { ...o.details } : null,
    previews: (o.previews ?? []).map((p: LinkPreview) => ({
      service: p.service,
      url: p.url,
      title: p.title ?? null,
      note: p.note ?? null,
    })),
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
