/** The PHI guard's allowances from the configuration: the patient-relations contact and the facility names. */
import type { Config } from '../config';
import { checkPhi, maskIdentifiers, type PhiResult } from './phi';

export function facilityNames(config: Config): string[] {
  const names = new Set<string>(Object.keys(config.digest.facilityChannels));
  for (const l of config.google?.locations ?? []) names.add(l.facility);
  if (config.facebook?.facility) names.add(config.facebook.facility);
  return [...names];
}

export function checkDraft(
  config: Config,
  text: string,
  mode: 'reply' | 'post',
  reviewer?: string | null,
): PhiResult {
  return checkPhi(text, {
    mode,
    reviewer,
    contact: config.replies.patientRelationsContact,
    allowedNames: facilityNames(config),
  });
}

/** Review text for a channel: identifiers masked unless SMX_DIGEST_SHOW_NAMES=true. */
export function reviewTextForChannel(config: Config, text: string, reviewer?: string | null): string {
  if (config.digest.showNames) return text;
  return maskIdentifiers(text, {
    reviewer,
    contact: config.replies.patientRelationsContact,
    allowedNames: facilityNames(config),
  });
}
