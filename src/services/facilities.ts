/**
 * The hospital's facilities as smx knows them: those named in the configuration (Google locations, the Facebook
 * facility, facility channels) and those seen on stored reviews and visit counts. Commands that take a facility
 * check it here, so a typo (or a mistyped period such as `14d`) is refused with the valid choices instead of quietly
 * becoming a facility nobody has.
 */
import { Visit } from '../../models/visit';
import type { Config } from '../config';
import { SmxError } from '../errors';
import { escapeMrkdwn } from '../slack/text';
import { storedFacilities } from './rollups';

export function configuredFacilities(config: Config): string[] {
  return [
    ...(config.google?.locations.map((l) => l.facility) ?? []),
    ...(config.facebook?.facility ? [config.facebook.facility] : []),
    ...Object.keys(config.digest.facilityChannels),
  ];
}

/** Configured and seen facilities (seen = in the roll-ups, not a scan of the archive), de-duplicated, sorted. */
export async function knownFacilities(config: Config): Promise<string[]> {
  const [reviewed, visited] = await Promise.all([storedFacilities(), Visit.distinct('facility')]);
  const byKey = new Map<string, string>();
  for (const f of [...configuredFacilities(config), ...reviewed, ...visited]) {
    if (typeof f !== 'string' || f.trim() === '') continue;
    const key = f.trim().toLowerCase();
    if (!byKey.has(key)) byKey.set(key, f.trim());
  }
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}

export const FACILITY_MESSAGES = {
  unknown: (name: string, known: readonly string[], example: string) =>
    known.length === 0
      ? `smx knows no facility called '${name}' — none is configured or seen on any review yet, so leave the facility out for the whole hospital, e.g. \`${example}\`. Nothing was changed.`
      : `smx knows no facility called '${name}'. Known facilities: ${known.map(escapeMrkdwn).join(', ')} — or leave it out for the whole hospital, e.g. \`${example}\`. Nothing was changed.`,
} as const;

/** The known facility `name` refers to (case-insensitively), in its stored spelling; else BAD_INPUT with the choices. */
export async function resolveFacility(config: Config, name: string, example: string): Promise<string> {
  const known = await knownFacilities(config);
  const wanted = name.trim().toLowerCase();
  const match = known.find((f) => f.toLowerCase() === wanted);
  if (match) return match;
  const shown = escapeMrkdwn(name.length > 60 ? `${name.slice(0, 57)}…` : name);
  throw new SmxError('BAD_INPUT', FACILITY_MESSAGES.unknown(shown, known, example));
}
