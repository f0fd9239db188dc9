/**
 * Time zones as Argo CD loads a sync window's `timeZone`: Go's
 * time.LoadLocation, which reads IANA names case-sensitively (and falls back to
 * UTC, with only a log line, when it cannot). Node has no Go zone database, so
 * a name is accepted when it has the IANA form (segments starting with a
 * capital: Europe/Berlin, America/Argentina/Buenos_Aires, Etc/GMT+5, UTC) and
 * Intl knows it. Intl alone is not enough: it ignores case ("europe/berlin")
 * where Go does not, and Intl.supportedValuesOf('timeZone') omits UTC and
 * aliases such as Asia/Kolkata on some Node versions.
 */

const IANA_NAME = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  let cached = formatters.get(zone);
  if (cached === undefined) {
    try {
      cached = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      cached = null;
    }
    formatters.set(zone, cached);
  }
  return cached;
}

/** Why Go would not load the zone, or undefined when it would. */
export function timeZoneProblem(zone: string): string | undefined {
  if (zone === 'Local') return '"Local" is whatever zone the Argo CD controller runs in';
  if (!IANA_NAME.test(zone))
    return 'Go reads zone names exactly as the IANA database writes them: case-sensitive, no UTC offsets such as +01:00';
  if (formatter(zone) === null) return 'not in the IANA time zone database';
  return undefined;
}

/**
 * The zone's offset from UTC at an instant, in seconds (east positive), as Go's
 * `time.Now().In(loc).Zone()` gives it. A zone Go cannot load is UTC, as Argo
 * CD then uses. Offsets are read from Intl once per zone and hour; only an hour
 * whose two ends differ (a transition) is read at the instant itself.
 */
export function utcOffsetSeconds(zone: string, atMs: number): number {
  const format = timeZoneProblem(zone) === undefined ? formatter(zone) : null;
  if (!format) return 0;
  let hours = HOURLY.get(zone);
  if (!hours) HOURLY.set(zone, (hours = new Map()));
  const hour = Math.floor(atMs / HOUR);
  const before = hourOffset(format, hours, hour);
  return before === hourOffset(format, hours, hour + 1) ? before : offsetAt(format, atMs);
}

const HOUR = 3_600_000;
const HOURLY = new Map<string, Map<number, number>>();

function hourOffset(format: Intl.DateTimeFormat, hours: Map<number, number>, hour: number): number {
  let offset = hours.get(hour);
  if (offset === undefined) hours.set(hour, (offset = offsetAt(format, hour * HOUR)));
  return offset;
}

function offsetAt(format: Intl.DateTimeFormat, atMs: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(atMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((wall - Math.floor(atMs / 1000) * 1000) / 1000);
}
