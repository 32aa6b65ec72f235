/** IANA time zones, checked against the ICU data of this Node.js build. */

/** The canonical spelling of a time zone (`europe/berlin` → `Europe/Berlin`), or null if it is unknown. */
export function canonicalTimeZone(name: string): string | null {
  if (name.trim() === '') return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The zone this process runs in (TZ, or /etc/localtime), as an IANA name. */
export function systemTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export const TIME_ZONE_ALLOWED = 'an IANA time zone name such as Europe/Berlin, America/New_York or UTC';
