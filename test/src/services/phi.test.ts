/**
 * The PHI guard against a labelled set of reply drafts (test/fixtures/phi-drafts.jsonl: safe and unsafe, Indian and
 * US names and identifiers), and the cases the issue names. Recall and false-positive rate are printed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkPhi, maskIdentifiers } from '../../../src/services/phi';

const CONTACT = 'Patient Relations Desk, +91 80 4000 1234, care@cityhospital.example';
const opts = { mode: 'reply' as const, contact: CONTACT, allowedNames: ['City Hospital'] };

interface Labelled {
  text: string;
  reviewer: string;
  unsafe: boolean;
}

const drafts: Labelled[] = fs
  .readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'phi-drafts.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Labelled);

describe('PHI guard: labelled reply drafts', () => {
  it('has at least 60 drafts, both safe and unsafe', () => {
    expect(drafts.length).toBeGreaterThanOrEqual(60);
    expect(drafts.filter((d) => d.unsafe).length).toBeGreaterThanOrEqual(30);
    expect(drafts.filter((d) => !d.unsafe).length).toBeGreaterThanOrEqual(30);
  });

  it('flags at least 95% of the unsafe drafts and at most 10% of the safe ones', () => {
    const unsafe = drafts.filter((d) => d.unsafe);
    const safe = drafts.filter((d) => !d.unsafe);
    const missed = unsafe.filter((d) => !checkPhi(d.text, { ...opts, reviewer: d.reviewer }).unsafe);
    const falsePositives = safe.filter((d) => checkPhi(d.text, { ...opts, reviewer: d.reviewer }).unsafe);
    const recall = 1 - missed.length / unsafe.length;
    const fpr = falsePositives.length / safe.length;
    process.stdout.write(
      `PHI guard: recall ${(recall * 100).toFixed(1)}% (${unsafe.length - missed.length}/${unsafe.length}), false positives ${(fpr * 100).toFixed(1)}% (${falsePositives.length}/${safe.length})\n`,
    );
    if (missed.length > 0) process.stdout.write(`missed: ${missed.map((d) => d.text).join(' | ')}\n`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(fpr).toBeLessThanOrEqual(0.1);
  });
});

describe('PHI guard: named cases', () => {
  it('blocks "Sorry about your knee surgery, Priya" naming knee surgery and Priya', () => {
    const r = checkPhi('Sorry about your knee surgery, Priya', { ...opts, reviewer: 'Priya Sharma' });
    expect(r.unsafe).toBe(true);
    expect(r.findings.map((f) => [f.kind, f.match])).toEqual(
      expect.arrayContaining([
        ['health', 'knee surgery'],
        ['name', 'Priya'],
      ]),
    );
    const name = r.findings.find((f) => f.match === 'Priya');
    expect(name?.why).toMatch(/reviewer/);
  });

  it('never flags the configured patient-relations contact', () => {
    const r = checkPhi(
      'Please call our Patient Relations Desk at +91 80 4000 1234 or write to care@cityhospital.example.',
      opts,
    );
    expect(r.findings).toEqual([]);
    const other = checkPhi('Please call 98450 12345 or write to someone@gmail.com.', opts);
    expect(other.findings.map((f) => f.kind)).toEqual(['phone', 'email']);
  });

  it.each([
    ['Your UHID 4521337 shows the payment', 'record', '4521337'],
    ['MRN: 00451234 was updated', 'record', '00451234'],
    ['Aadhaar 2345 6789 0123', 'national_id', '2345 6789 0123'],
    ['ABHA 91-1234-5678-9012 is linked', 'national_id', '91-1234-5678-9012'],
    ['PAN ABCPE1234F', 'national_id', 'ABCPE1234F'],
    ['SSN 123-45-6789', 'national_id', '123-45-6789'],
    ['policy no. HLT-99812', 'insurance', 'HLT-99812'],
    ['your 72-year-old father', 'age', '72-year-old'],
    ['bed 14B in ward 3', 'location', 'bed 14B'],
    ['call (415) 555-0132 today', 'phone', '(415) 555-0132'],
    ['on 14th Nov you came', 'date', '14th Nov'],
  ])('finds the identifier in %j', (text, kind, match) => {
    const r = checkPhi(text, opts);
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ kind, match })]));
  });

  it('checks posts too, but allows event dates and general health topics there', () => {
    expect(
      checkPhi('Free diabetes screening camp on Saturday 14 December #WorldDiabetesDay', {
        ...opts,
        mode: 'post',
      }),
    ).toEqual({
      unsafe: false,
      findings: [],
    });
    const leak = checkPhi('Great to see Ramesh Gupta walking again after his spine surgery!', {
      ...opts,
      mode: 'post',
    });
    expect(leak.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['name', 'health']));
  });
});

describe('masking identifiers in review text', () => {
  it('hides names, phones, e-mails and record numbers but keeps what the review is about', () => {
    expect(
      maskIdentifiers(
        'My name is Sunita Rao, the ICU nurse was rude. Call 98450 12345 or sunita.rao@gmail.com, UHID 77812.',
      ),
    ).toBe('My name is [name] [name], the ICU nurse was rude. Call [phone] or [e-mail], UHID [number].');
  });

  it("hides the reviewer's own name wherever it appears", () => {
    expect(maskIdentifiers('priya here — the billing desk was slow', { reviewer: 'Priya Sharma' })).toBe(
      '[name] here — the billing desk was slow',
    );
  });

  it('leaves text without identifiers as it is', () => {
    const t = 'The waiting room was clean and the staff were kind.';
    expect(maskIdentifiers(t)).toBe(t);
  });
});
