/**
 * The PHI guard: does a draft (a reply to a review, or a post) confirm a patient relationship, repeat health details
 * or carry identifiers? Pure and synchronous; the same detector masks identifiers inside incoming review text.
 */
import { findHealth, findRelationship } from './health';
import { contactsIn, findIdentifiers } from './identifiers';
import { allowedWordsOf, findNames } from './names';
import type { Finding, PhiOptions, PhiResult } from './types';

export type { Finding, FindingKind, PhiOptions, PhiResult } from './types';
export { FINDING_KINDS } from './types';

/** Keeps the first of overlapping findings, preferring the more specific kinds and the longer match. */
const PRIORITY: Finding['kind'][] = [
  'email',
  'national_id',
  'insurance',
  'record',
  'phone',
  'location',
  'age',
  'date',
  'name',
  'relationship',
  'health',
];

function dedupe(findings: Finding[]): Finding[] {
  const sorted = [...findings].sort(
    (a, b) =>
      PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind) ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  const kept: Finding[] = [];
  for (const f of sorted) {
    // Health words inside a relationship phrase ("your knee surgery") are reported on their own too: both matter.
    const clash = kept.some(
      (k) =>
        f.start < k.end &&
        k.start < f.end &&
        !(
          (f.kind === 'health' && k.kind === 'relationship') ||
          (f.kind === 'relationship' && k.kind === 'health')
        ),
    );
    if (!clash) kept.push(f);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function allowances(opts: Pick<PhiOptions, 'contact' | 'allowedNames'>) {
  const contact = opts.contact ?? '';
  const { phones, emails } = contactsIn(contact);
  return {
    phones,
    emails,
    words: allowedWordsOf([contact.replace(/[A-Za-z0-9._%+-]+@\S+/g, ' '), ...(opts.allowedNames ?? [])]),
  };
}

export function checkPhi(text: string, opts: PhiOptions): PhiResult {
  const allowed = allowances(opts);
  const findings = dedupe([
    ...findRelationship(text),
    ...findHealth(text, opts.mode),
    ...findNames(text, { reviewer: opts.reviewer, allowedWords: allowed.words }),
    ...findIdentifiers(text, {
      allowedPhones: allowed.phones,
      allowedEmails: allowed.emails,
      dates: opts.mode === 'reply',
    }),
  ]);
  return { unsafe: findings.length > 0, findings };
}

const MASKS: Partial<Record<Finding['kind'], string>> = {
  name: '[name]',
  phone: '[phone]',
  email: '[e-mail]',
  record: '[number]',
  national_id: '[number]',
  insurance: '[number]',
  location: '[room]',
};

/**
 * Incoming review text with the identifiers the detector finds replaced ("My name is [name], …"), for digests and
 * lists shown to a channel. Health words stay: the team needs to know what the complaint is about.
 */
export function maskIdentifiers(text: string, opts: Omit<PhiOptions, 'mode'> = {}): string {
  if (text === '') return text;
  // Builders redraw the same items (fitting a digest, updating a card): the detector runs once per text.
  const key = JSON.stringify([text, opts.reviewer ?? null, opts.contact ?? null, opts.allowedNames ?? []]);
  const cached = maskCache.get(key);
  if (cached !== undefined) return cached;
  const masked = maskUncached(text, opts);
  if (maskCache.size >= MASK_CACHE_SIZE) maskCache.delete(maskCache.keys().next().value as string);
  maskCache.set(key, masked);
  return masked;
}

const MASK_CACHE_SIZE = 5000;
const maskCache = new Map<string, string>();

function maskUncached(text: string, opts: Omit<PhiOptions, 'mode'>): string {
  const allowed = allowances(opts);
  const found = dedupe([
    ...findNames(text, { reviewer: opts.reviewer, allowedWords: allowed.words }),
    ...findIdentifiers(text, { allowedPhones: allowed.phones, allowedEmails: allowed.emails, dates: false }),
  ]).filter((f) => MASKS[f.kind]);
  let out = '';
  let at = 0;
  for (const f of found) {
    if (f.start < at) continue;
    out += text.slice(at, f.start) + MASKS[f.kind];
    at = f.end;
  }
  return out + text.slice(at);
}

/** One line per finding for a card or an error: “knee surgery” — a health detail …. */
export function describeFindings(findings: ReadonlyArray<Pick<Finding, 'match' | 'why'>>): string[] {
  return findings.map((f) => `“${f.match}” — ${f.why}`);
}
