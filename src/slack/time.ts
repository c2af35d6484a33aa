import { DateTime } from 'luxon';

/**
 * "Tue 2 Dec, 09:00 IST": the hospital's local time with the zone named; the year is added when it is not the
 * current one ("Wed 12 May 2027, 09:00 IST"), so a date a year off can never pass for this year's.
 */
export function formatLocal(date: Date, timezone: string, now: Date = new Date()): string {
  const dt = DateTime.fromJSDate(date, { zone: timezone }).setLocale('en-GB');
  const year = dt.year === DateTime.fromJSDate(now, { zone: timezone }).year ? '' : ' yyyy';
  return `${dt.toFormat(`ccc d LLL${year}, HH:mm`)} ${zoneAbbrev(dt)}`;
}

/** "Tue 22:34 IST": a short local time with the zone, for decision stamps on cards. */
export function formatShort(date: Date, timezone: string): string {
  const dt = DateTime.fromJSDate(date, { zone: timezone }).setLocale('en-GB');
  return `${dt.toFormat('ccc HH:mm')} ${zoneAbbrev(dt)}`;
}

/** "Tue 2 Dec 2026": a local date. */
export function formatLocalDate(date: Date, timezone: string): string {
  return DateTime.fromJSDate(date, { zone: timezone }).setLocale('en-GB').toFormat('ccc d LLL yyyy');
}

function zoneAbbrev(dt: DateTime): string {
  // en-IN gives IST for Asia/Kolkata where en-GB gives GMT+5:30; prefer a real abbreviation when one exists.
  for (const locale of ['en-GB', 'en-US', 'en-IN', 'en-AU']) {
    const name = dt.setLocale(locale).toFormat('ZZZZ');
    if (!/^(GMT|UTC)[+-]/.test(name)) return name;
  }
  return dt.toFormat('ZZZZ');
}

/** Slack's date token: every viewer sees their own local time; the fallback shows the hospital's. */
export function slackDate(date: Date, timezone: string, format = '{date_short_pretty} {time}'): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^${format}|${formatLocal(date, timezone)}>`;
}

/** The local calendar day key (e.g. "2026-11-24") that queries group by; stored on write. */
export function localDay(date: Date, timezone: string): string {
  return DateTime.fromJSDate(date, { zone: timezone }).toISODate() as string;
}

/** The local ISO week key (e.g. "2026-W48"); stored on write. */
export function localWeek(date: Date, timezone: string): string {
  return DateTime.fromJSDate(date, { zone: timezone }).toFormat("kkkk-'W'WW");
}
