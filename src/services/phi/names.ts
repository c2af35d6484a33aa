/**
 * Person names: the reviewer's own (as given on the review, any part of it), names compromise recognises as people,
 * titled names ("Dr Mehta", "Nurse Lakshmi", "Smt. Devi"), and capitalised words compromise can only call a proper
 * noun that are neither places, organisations, dates nor the hospital's own words — which is how unfamiliar Indian
 * and US given names ("Priya", "Venkatesh", "Kayleigh") are caught.
 */
import nlp from 'compromise';
import allow from './data/name-allowlist.json';
import { isOrdinaryWord } from './lexicon';
import type { Finding } from './types';

const BASE_ALLOWED = new Set(allow.words.map((w) => w.toLowerCase()));
const TITLED =
  /\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Nurse|Sister|Brother|Shri|Sri|Smt|Kumari|Sr|Jr|Dear|Hi|Hello|Hey)\.?\s+((?:[A-Z][a-z'’-]+)(?:\s+[A-Z][a-z'’-]+){0,2})/g;

export interface NameOptions {
  reviewer?: string | null;
  /** Words that are the hospital's (facility names, the contact line). */
  allowedWords: ReadonlySet<string>;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function reviewerParts(reviewer: string): string[] {
  return reviewer
    .replace(/^@/, '')
    .split(/[\s,._]+/)
    .map((p) => p.replace(/[^\p{L}\p{N}'’-]/gu, ''))
    .filter((p) => p.length >= 3 && !BASE_ALLOWED.has(p.toLowerCase()));
}

function reviewerFindings(text: string, reviewer: string): Finding[] {
  const out: Finding[] = [];
  const handle = reviewer.trim().replace(/^@/, '');
  const alternatives = [handle, ...reviewerParts(handle)].filter((p) => p.length >= 3);
  if (alternatives.length === 0) return out;
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}])@?(?:${alternatives
      .sort((a, b) => b.length - a.length)
      .map(escapeRe)
      .join('|')})(?![\\p{L}\\p{N}])`,
    'giu',
  );
  for (const m of text.matchAll(re)) {
    const start = m.index ?? 0;
    out.push({
      kind: 'name',
      match: m[0],
      why: 'the reviewer’s own name or handle (as given on the review)',
      start,
      end: start + m[0].length,
    });
  }
  return out;
}

interface TermJson {
  text: string;
  tags?: string[];
  offset?: { start: number; length: number };
}

function isAllowed(word: string, allowed: ReadonlySet<string>): boolean {
  const w = word.toLowerCase().replace(/['’]s$/, '');
  return BASE_ALLOWED.has(w) || allowed.has(w);
}

function nlpFindings(text: string, allowed: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const doc = nlp(text);
  const sentences = doc.json({ offset: true, terms: { offset: true } }) as Array<{ terms: TermJson[] }>;
  for (const s of sentences) {
    s.terms.forEach((t, i) => {
      const tags = new Set(t.tags ?? []);
      const word = t.text.replace(/[^\p{L}'’-]/gu, '');
      if (!t.offset || word.length < 2 || isAllowed(word, allowed)) return;
      const person = tags.has('Person') || tags.has('FirstName') || tags.has('LastName');
      // A sentence's first word is capitalised anyway: compromise then calls an unknown name a plain noun
      // ("Priya S." after a full stop), so there a capitalised noun counts when it is no everyday English word.
      const proper = tags.has('ProperNoun') || (i === 0 && tags.has('Noun') && /^[A-Z][a-z]/.test(word));
      const bareProper =
        proper &&
        ![
          'Place',
          'Organization',
          'Country',
          'City',
          'Region',
          'Month',
          'WeekDay',
          'Date',
          'Acronym',
          'Pronoun',
        ].some((x) => tags.has(x)) &&
        /[a-z]/.test(word) &&
        // "World Heart Day", "Nobody": a capitalised everyday word is not a name.
        !isOrdinaryWord(word);
      if (!person && !bareProper) return;
      if (/^[A-Z0-9]+$/.test(word)) return; // acronyms: ICU, OPD, ENT are not names
      const start = t.offset.start + t.text.indexOf(word);
      out.push({
        kind: 'name',
        match: word,
        why: person ? 'a person’s name' : 'looks like a person’s name',
        start,
        end: start + word.length,
      });
    });
  }
  return out;
}

function titledFindings(text: string, allowed: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(TITLED)) {
    const name = m[1];
    if (!name) continue;
    const words = name.split(/\s+/).filter((w) => !isAllowed(w, allowed));
    if (words.length === 0) continue;
    const first = words[0] as string;
    const start = (m.index ?? 0) + m[0].indexOf(first);
    const last = words[words.length - 1] as string;
    const end = (m.index ?? 0) + m[0].lastIndexOf(last) + last.length;
    out.push({ kind: 'name', match: text.slice(start, end), why: 'a person’s name', start, end });
  }
  return out;
}

export function findNames(text: string, opts: NameOptions): Finding[] {
  return [
    ...(opts.reviewer ? reviewerFindings(text, opts.reviewer) : []),
    ...titledFindings(text, opts.allowedWords),
    ...nlpFindings(text, opts.allowedWords),
  ];
}

/** Words of free text that are the hospital's own (facility names, the patient-relations contact line). */
export function allowedWordsOf(texts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const t of texts)
    for (const w of t.split(/[^\p{L}'’-]+/u)) if (w.length >= 2) out.add(w.toLowerCase());
  return out;
}
