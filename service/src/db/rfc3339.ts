/**
 * The text Postgres sends for a timestamptz (DateStyle ISO: `2026-12-07 22:04:42.795465+00`, an offset of
 * hours, minutes or, for old local mean times, seconds) as RFC 3339 (`2026-12-07T22:04:42.795465Z`), keeping
 * every fractional digit. RFC 3339 has no seconds in an offset: such a value goes through Date (milliseconds).
 */
export function rfc3339FromPostgres(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(?::(\d{2}))?(:\d{2})?$/.exec(text);
  if (!match) throw new Error(`not a Postgres timestamptz: ${JSON.stringify(text)}`);
  const [, date, time, hours, minutes = '00', seconds] = match;
  if (seconds !== undefined) return new Date(`${date}T${time}${hours}:${minutes}${seconds}`).toISOString();
  const offset = `${hours}:${minutes}`;
  return `${date}T${time}${offset === '+00:00' || offset === '-00:00' ? 'Z' : offset}`;
}
