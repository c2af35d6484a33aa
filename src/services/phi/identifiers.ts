/**
 * Identifiers in a text: phone numbers (libphonenumber-js, Indian and US numbering), e-mails, record numbers
 * (MRN/UHID/IP/bill/claim), Indian ids (Aadhaar, ABHA, PAN), US SSNs, insurance/policy numbers, ages, room/bed/ward
 * numbers and dates of service (chrono-node). The hospital's own configured contacts are never reported.
 */
import * as chrono from 'chrono-node';
import { findPhoneNumbersInText } from 'libphonenumber-js/max';
import type { Finding, Span } from './types';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** A keyword that says "the number after me identifies a person or their record", and why. */
const RECORD_PATTERNS: Array<{ re: RegExp; kind: Finding['kind']; why: string }> = [
  {
    re: /\b(?:MRN|UHID|IP|OP|IPD|OPD|CR|Reg(?:istration)?|Hospital|Patient|Medical record|Record|Case|File|Chart|Admission|Bill|Invoice|Receipt|Token|Visit|Encounter|Lab|Sample|Report|Ticket)\s*(?:no\.?|number|num|#|id|ID)?(?:\s+(?:is|was|being))?\s*[:#.-]?\s*(?=[A-Z0-9/-]*\d)([A-Z0-9][A-Z0-9/-]{2,})\b/gi,
    kind: 'record',
    why: 'a record number (MRN/UHID/IP/bill/case …) identifies a patient',
  },
  {
    re: /\b(?:Policy|Insurance|Insurer|Member|Membership|Claim|TPA|Mediclaim|Health card|Card|Ayushman|PMJAY|PM-JAY|CGHS|ECHS|Medicare|Medicaid|Group)\s*(?:no\.?|number|num|#|id|ID)?(?:\s+(?:is|was|being))?\s*[:#.-]?\s*(?=[A-Z0-9/-]*\d)([A-Z0-9][A-Z0-9/-]{3,})\b/gi,
    kind: 'insurance',
    why: 'an insurance/policy/claim number identifies a patient',
  },
  {
    re: /\b(?:ABHA|Health ID)\s*(?:no\.?|number|#|id|address)?\s*[:#.-]?\s*(\d{2}[- ]?\d{4}[- ]?\d{4}[- ]?\d{4}|[A-Za-z0-9._-]+@(?:abdm|sbx))\b/gi,
    kind: 'national_id',
    why: 'an ABHA (Ayushman Bharat Health Account) id identifies a person',
  },
];

const BARE_IDS: Array<{ re: RegExp; kind: Finding['kind']; why: string }> = [
  { re: /\b[2-9]\d{3}[ -]?\d{4}[ -]?\d{4}\b/g, kind: 'national_id', why: 'looks like an Aadhaar number' },
  { re: /\b\d{2}-\d{4}-\d{4}-\d{4}\b/g, kind: 'national_id', why: 'looks like an ABHA number' },
  {
    re: /\b[A-Za-z0-9._-]+@(?:abdm|sbx)\b/g,
    kind: 'national_id',
    why: 'an ABHA address identifies a person',
  },
  { re: /\b[A-Z]{5}\d{4}[A-Z]\b/g, kind: 'national_id', why: 'looks like a PAN (Indian tax id)' },
  { re: /\b\d{3}-\d{2}-\d{4}\b/g, kind: 'national_id', why: 'looks like a US Social Security number' },
  {
    re: /\b[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y]{2}\d{2}\b/g,
    kind: 'insurance',
    why: 'looks like a US Medicare number (MBI)',
  },
];

const AGE =
  /\b(?:\d{1,3}[- ]?(?:years?|yrs?|yo|months?|weeks?|days?)[- ]?old\b|\d{1,3}\s?(?:yrs?|y\/o|yo)\b|(?:aged?|age of)\s*:?\s*\d{1,3}\b|\d{1,3}[- ](?:year|month)[- ]old)/gi;

const ROOM =
  /\b(?:room|rm|bed|ward|cabin|cubicle|suite|bay|icu bed|cot|berth|floor)\s*(?:no\.?|number|num|#)?\s*[:#.-]?\s*(?=[A-Z0-9-]*\d)[A-Z]?-?\d{1,4}[A-Z]?\b/gi;

const RELATIVE_DAY =
  /\b(?:yesterday|the day before yesterday|last (?:night|evening|week|month|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:on|this|that|past) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?: (?:morning|afternoon|evening|night))?|earlier (?:today|this week)|this (?:morning|afternoon))\b/gi;

/** Digits only, with a leading country code normalised away, for comparing a found number with a contact. */
function digitsTail(s: string): string {
  return s.replace(/\D/g, '').slice(-10);
}

export interface IdentifierOptions {
  /** Phone numbers (any format) and e-mails that belong to the hospital: never reported. */
  allowedPhones: readonly string[];
  allowedEmails: readonly string[];
  /** Report dates (default true; posts announce event dates). */
  dates?: boolean;
}

function overlaps(a: Span, spans: readonly Span[]): boolean {
  return spans.some((b) => a.start < b.end && b.start < a.end);
}

function phoneFindings(text: string, opts: IdentifierOptions): Finding[] {
  const allowed = new Set(opts.allowedPhones.map(digitsTail));
  const out: Finding[] = [];
  for (const country of ['IN', 'US'] as const) {
    for (const p of findPhoneNumbersInText(text, { defaultCountry: country })) {
      if (!p.number.isValid()) continue;
      const span = { start: p.startsAt, end: p.endsAt };
      if (overlaps(span, out)) continue;
      if (allowed.has(digitsTail(p.number.number))) continue;
      out.push({
        kind: 'phone',
        match: text.slice(span.start, span.end),
        why: 'a phone number that is not the hospital’s contact',
        ...span,
      });
    }
  }
  return out;
}

function regexFindings(
  text: string,
  re: RegExp,
  kind: Finding['kind'],
  why: string,
  skip?: (m: string) => boolean,
): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(re)) {
    const match = m[0].trim();
    if (match === '' || skip?.(match)) continue;
    const start = (m.index ?? 0) + m[0].indexOf(match);
    out.push({ kind, match, why, start, end: start + match.length });
  }
  return out;
}

/** Like regexFindings, but the finding is the number (group 1) after its keyword, so masking keeps "UHID". */
function groupFindings(text: string, re: RegExp, kind: Finding['kind'], why: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(re)) {
    const id = m[1];
    if (!id) continue;
    const start = (m.index ?? 0) + m[0].lastIndexOf(id);
    out.push({ kind, match: id, why: `${why} (“${m[0].trim()}”)`, start, end: start + id.length });
  }
  return out;
}

function dateFindings(text: string): Finding[] {
  const out: Finding[] = [];
  for (const r of chrono.parse(text)) {
    const explicit =
      /\d/.test(r.text) &&
      r.start.isCertain('day') &&
      r.start.isCertain('month') &&
      !/\b(?:within|in|next|for|every|after)\b/i.test(r.text) &&
      // "9am" or "24 hours" alone are times/durations, not a date of service
      /(?:\d{1,2}[/.-]\d{1,2}|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d{1,2}(?:st|nd|rd|th))/i.test(
        r.text,
      );
    if (!explicit) continue;
    const match = r.text.replace(/^on\s+/i, '');
    const start = r.index + r.text.indexOf(match);
    out.push({
      kind: 'date',
      match,
      why: 'a date can pin down when someone was here (a date of service)',
      start,
      end: start + match.length,
    });
  }
  out.push(
    ...regexFindings(
      text,
      RELATIVE_DAY,
      'date',
      'a day like this can pin down when someone was here (a date of service)',
    ),
  );
  return out;
}

export function findIdentifiers(text: string, opts: IdentifierOptions): Finding[] {
  const dates = opts.dates ?? true;
  const allowedEmails = new Set(opts.allowedEmails.map((e) => e.toLowerCase()));
  const found: Finding[] = [
    ...regexFindings(text, EMAIL, 'email', 'an e-mail address that is not the hospital’s contact', (m) =>
      allowedEmails.has(m.toLowerCase()),
    ),
  ];
  for (const p of RECORD_PATTERNS) found.push(...groupFindings(text, p.re, p.kind, p.why));
  for (const p of BARE_IDS) found.push(...regexFindings(text, p.re, p.kind, p.why));
  found.push(...regexFindings(text, ROOM, 'location', 'a room/bed/ward number places a patient'));
  found.push(...regexFindings(text, AGE, 'age', 'an age helps identify a person'));
  // A post announcing an event date is not a date of service; a reply's date is the reader's visit.
  if (dates) found.push(...dateFindings(text));
  // A phone number inside something already recognised (an Aadhaar, a record number) is the same finding.
  for (const ph of phoneFindings(text, opts)) {
    if (
      !overlaps(
        ph,
        found.filter((f) => f.kind !== 'date'),
      )
    )
      found.push(ph);
  }
  // Emails' local parts are not a separate ABHA address etc.: drop findings inside an e-mail.
  const emails = found.filter((f) => f.kind === 'email');
  return found.filter((f) => f.kind === 'email' || !emails.some((e) => f.start >= e.start && f.end <= e.end));
}

/** Every phone number and e-mail written in a free-text contact line (e.g. SMX_PATIENT_RELATIONS_CONTACT). */
export function contactsIn(text: string): { phones: string[]; emails: string[] } {
  const phones = new Set<string>();
  for (const country of ['IN', 'US'] as const) {
    for (const p of findPhoneNumbersInText(text, { defaultCountry: country })) phones.add(p.number.number);
  }
  return { phones: [...phones], emails: [...text.matchAll(EMAIL)].map((m) => m[0]) };
}
