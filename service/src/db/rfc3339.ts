/**
 * The text Postgres sends for a timestamptz (DateStyle ISO: `2026-12-07 22:04:42.795465+00`, an offset of
 * hours, minutes or, for old local mean times, seconds) as RFC 3339 (`2026-12-07T22:04:42.795465Z`), keeping
 * every fractional digit. RFC 3339 has no seconds in an offset: such a value is written in UTC, to the
 * millisecond.
 */
export function rfc3339FromPostgres(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(text);
  if (!match) throw new Error(`not a Postgres timestamptz: ${JSON.stringify(text)}`);
  const [, date, time, sign, hours, minutes = '00', seconds] = match;
  if (seconds !== undefined) {
    const offsetMs = (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000 * (sign === '-' ? -1 : 1);
    return new Date(Date.parse(`${date}T${time}Z`) - offsetMs).toISOString();
  }
  const offset = `${sign}${hours}:${minutes}`;
  return `${date}T${time}${offset === '+00:00' || offset === '-00:00' ? 'Z' : offset}`;
}
