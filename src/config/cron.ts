/**
 * Cron schedules as Argo CD reads a sync window's `schedule`: robfig/cron v3's
 * parser with exactly the fields Minute | Hour | Dom | Month | Dow (five
 * fields; no seconds, no descriptors such as @daily), its SpecSchedule.Next,
 * in UTC.
 *
 * croner validates the fields (ranges in order, steps positive, five fields)
 * and computes occurrences. This module holds what differs between the two
 * dialects, each from robfig/cron's parser.go and spec.go:
 * - robfig knows none of croner's extensions (L, W, #, a leading +, year or
 *   seconds fields, nicknames) and has no 7 for Sunday: rejected here, as is a
 *   stepped range's end past the field's maximum ("0-60/57"), which croner
 *   takes;
 * - names (JAN–DEC, SUN–SAT, any case) stand only for a range's ends: they are
 *   replaced here (croner would read SUN at the end of a range as 7);
 * - "N/step" means N to the field's maximum (croner's sloppyRanges);
 * - day of month and day of week: when either field holds `*` or `?` with no
 *   step or a step of 1 (robfig's star bit, also set by one such item in a
 *   list), a day must match both fields (AND); otherwise either (OR). croner
 *   decides that from a literal `*` alone, so it is told (domAndDow);
 * - a step past the end of its range leaves the range's start alone (croner
 *   refuses a step larger than the field, such as 90 in the minutes);
 * - Next starts at the second after the given time and gives up after five
 *   years, returning Go's zero time (null here).
 *
 * robfig also accepts a few forms this module rejects, so that a schedule is
 * written one way: a CRON_TZ=/TZ= prefix (the window's timeZone says it), empty
 * list items ("1,,2"), signed numbers ("+5") and text after a `*` ("*-5").
 */
import { Cron } from 'croner';

export interface CronSchedule {
  /** The expression as written. */
  readonly expression: string;
  /**
   * robfig's SpecSchedule.Next in UTC: the first occurrence at or after
   * `startMs` (a whole second), or null where robfig returns the zero time (no
   * occurrence within five years of the start).
   */
  firstAtOrAfter(startMs: number): number | null;
  /** robfig's Next(t): the first occurrence after `afterMs`, from the second that follows it. */
  next(afterMs: number): number | null;
}

export type ParsedCron = { readonly ok: true; readonly schedule: CronSchedule } | { readonly ok: false; readonly error: string };

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];
const DAY_OF_MONTH = 2;
const DAY_OF_WEEK = 4;

// Go's strings.Fields splits on unicode.IsSpace.
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const NUMBER = /^[0-9]+$/;
const NAME = /^[A-Za-z]+$/;

export function parseCron(expression: string): ParsedCron {
  const fail = (error: string): ParsedCron => ({ ok: false, error });
  if (/^(CRON_)?TZ=/.test(expression)) return fail("it starts with CRON_TZ= or TZ= (set the window's timeZone instead)");
  const trimmed = expression.replace(new RegExp(`^${GO_SPACE.source}|${GO_SPACE.source}$`, 'g'), '');
  if (trimmed.startsWith('@')) return fail("it is a descriptor such as @daily, which Argo CD's parser does not take");
  const fields = trimmed === '' ? [] : trimmed.split(GO_SPACE);
  if (fields.length !== 5) return fail(`it has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5`);

  const canonical: string[] = [];
  const star: boolean[] = [];
  for (const [index, text] of fields.entries()) {
    const field = FIELDS[index]!;
    const items: string[] = [];
    let hasStar = false;
    for (const item of text.split(',')) {
      const parsed = parseItem(item, field);
      if (typeof parsed === 'string') return fail(`${field.name} "${text}": ${parsed}`);
      items.push(parsed.text);
      hasStar ||= parsed.star;
    }
    canonical.push(items.join(','));
    star.push(hasStar);
  }

  let cron: Cron;
  try {
    cron = new Cron(canonical.join(' '), {
      mode: '5-part',
      utcOffset: 0,
      sloppyRanges: true,
      domAndDow: star[DAY_OF_MONTH]! || star[DAY_OF_WEEK]!,
    });
  } catch (error) {
    return fail((error as Error).message.replace(/^CronPattern: /, ''));
  }
  const firstAtOrAfter = (startMs: number): number | null => {
    // croner's nextRun(t) starts at the second after t.
    const found = cron.nextRun(new Date(startMs - 1000));
    if (!found) return null;
    const limit = new Date(startMs).getUTCFullYear() + 5;
    return found.getUTCFullYear() > limit ? null : found.getTime();
  };
  return {
    ok: true,
    schedule: {
      expression,
      firstAtOrAfter,
      next: (afterMs) => firstAtOrAfter(Math.floor(afterMs / 1000) * 1000 + 1000),
    },
  };
}

/**
 * One comma-separated item, robfig's getRange: `*` or `?`, or a number or
 * name, or a range of two; then optionally `/step`. Returns what croner is
 * given, or what is wrong.
 */
function parseItem(item: string, field: Field): { text: string; star: boolean } | string {
  if (item === '') return 'an empty list item';
  const [range, step, ...more] = item.split('/');
  if (more.length > 0) return `"${item}" has more than one "/"`;
  if (step !== undefined && !NUMBER.test(step)) return `the step in "${item}" is not a number`;
  let start: number;
  let end: number;
  if (range === '*' || range === '?') {
    if (step === undefined || Number(step) === 1) return { text: '*', star: true };
    [start, end] = [field.min, field.max];
  } else {
    const ends = range!.split('-');
    if (ends.length > 2) return `"${item}" is not a range a-b`;
    const values: number[] = [];
    for (const text of ends) {
      const value = endValue(text, field);
      if (typeof value === 'string') return value;
      values.push(value);
    }
    start = values[0]!;
    // robfig: "N/step" runs from N to the field's maximum.
    end = values.length === 2 ? values[1]! : step === undefined ? start : field.max;
  }
  if (step === undefined) return { text: start === end ? String(start) : `${start}-${end}`, star: false };
  // A step past the range's end leaves its start alone (croner refuses a step larger than the field).
  if (start <= end && Number(step) > end - start && Number(step) > 0) return { text: String(start), star: false };
  return { text: `${start}-${end}/${step}`, star: false };
}

function endValue(end: string, field: Field): number | string {
  if (NUMBER.test(end)) {
    const value = Number(end);
    // Checked here: croner reads 7 as Sunday, and takes a stepped range's end past the maximum ("0-60/57").
    if (value < field.min || value > field.max) return `${end} is outside ${field.min}-${field.max}`;
    return value;
  }
  if (field.names && NAME.test(end)) {
    const index = field.names.indexOf(end.toLowerCase());
    if (index >= 0) return index + field.min;
  }
  const names = field.names ? ` or a name ${field.names[0]!.toUpperCase()}-${field.names.at(-1)!.toUpperCase()}` : '';
  return `"${end}" is not a number${names}`;
}
