/** What the PHI guard reports. `kind` is stable (printed by `npx smx phi-check`, stored on drafts). */
export const FINDING_KINDS = [
  /** Confirms or implies the reader is/was a patient or a patient's relative. */
  'relationship',
  /** A condition, procedure, test, medication, department or body part tied to the reader. */
  'health',
  /** The reviewer's own name or handle, or another person's name. */
  'name',
  'phone',
  'email',
  'date',
  'age',
  /** Room, bed, ward numbers. */
  'location',
  /** MRN, UHID, IP, bill, case numbers. */
  'record',
  /** Aadhaar, ABHA, PAN, SSN. */
  'national_id',
  'insurance',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Span {
  start: number;
  end: number;
}

export interface Finding extends Span {
  kind: FindingKind;
  /** The words as written in the draft. */
  match: string;
  /** Why they must not be published, in a compliance officer's terms. */
  why: string;
}

export interface PhiResult {
  unsafe: boolean;
  findings: Finding[];
}

/** What the guard needs to know besides the text. */
export interface PhiOptions {
  /** 'reply': answering a review (anything clinical implies the reader was treated); 'post': a public post. */
  mode: 'reply' | 'post';
  /** The reviewer's name or handle as given on the review, if any. */
  reviewer?: string | null;
  /** Free text of the hospital's own contacts (SMX_PATIENT_RELATIONS_CONTACT): its numbers/e-mails/words are fine. */
  contact?: string;
  /** Names that are the hospital's, not people's (facility names). */
  allowedNames?: readonly string[];
}
