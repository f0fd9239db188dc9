/**
 * A sync window's schedule, duration and time zone, read as Argo CD reads them:
 * robfig/cron (checked against answers robfig/cron itself gave), Go's
 * time.ParseDuration and time.LoadLocation; and the env.yaml schema that uses them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCron } from '../src/config/cron.ts';
import { parseGoDuration } from '../src/config/go-duration.ts';
import { EnvFileSchema } from '../src/config/schema.ts';
import { timeZoneProblem, utcOffsetSeconds } from '../src/config/time-zone.ts';
import { REPO_ROOT } from './support/repo.ts';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const nextAfter = (expression: string, after: string) => {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(parsed.error);
  return iso(parsed.schedule.next(Date.parse(after)));
};
const rejects = (expression: string) => {
  const parsed = parseCron(expression);
  return parsed.ok ? undefined : parsed.error;
};

describe('cron schedules, as robfig/cron reads them for Argo CD', () => {
  it('agrees with robfig/cron itself: what it rejects, and every next occurrence of what it accepts', () => {
    const fixture = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/robfig-cron.json'), 'utf8')) as {
      from: string[];
      cases: Array<{ spec: string; error?: string; next?: Array<string | null> }>;
    };
    // What robfig accepts and this dialect refuses on purpose (documented in src/config/cron.ts).
    const refusedOnPurpose = /CRON_TZ=|an empty list item|"\+\d+" is not a number|"\*" is not a number/;
    let compared = 0;
    for (const { spec, error, next } of fixture.cases) {
      const parsed = parseCron(spec);
      if (error !== undefined) {
        expect(parsed.ok, `robfig rejects ${JSON.stringify(spec)} (${error})`).toBe(false);
        continue;
      }
      if (!parsed.ok) {
        expect(parsed.error, `robfig accepts ${JSON.stringify(spec)}`).toMatch(refusedOnPurpose);
        continue;
      }
      expect(
        fixture.from.map((from) => iso(parsed.schedule.next(Date.parse(from)))),
        spec,
      ).toEqual(next);
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('starts at the second after the given time, as robfig does', () => {
    expect(nextAfter('0 6 * * *', '2026-01-05T05:59:59.500Z')).toBe('2026-01-05T06:00:00.000Z');
    expect(nextAfter('0 6 * * *', '2026-01-05T06:00:00.000Z')).toBe('2026-01-06T06:00:00.000Z');
  });

  it("ORs day of month and day of week when both are restricted, ANDs them when either has robfig's star", () => {
    // 2026-01-13 is a Tuesday, 2026-01-19 the next Monday.
    expect(nextAfter('0 0 13 * 1', '2026-01-05T12:00:00Z')).toBe('2026-01-12T00:00:00.000Z'); // the Monday comes first
    expect(nextAfter('0 0 13 * 2', '2026-01-07T12:00:00Z')).toBe('2026-01-13T00:00:00.000Z'); // the 13th, a Tuesday anyway
    expect(nextAfter('0 0 */10 * 1', '2026-01-02T12:00:00Z')).toBe('2026-01-05T00:00:00.000Z'); // */10 is restricted: Monday 5th, before the 11th
    expect(nextAfter('0 0 ? * 1', '2026-01-06T12:00:00Z')).toBe('2026-01-12T00:00:00.000Z'); // ? is a star: Mondays only
    expect(nextAfter('0 0 */1 * 1', '2026-01-06T12:00:00Z')).toBe('2026-01-12T00:00:00.000Z'); // */1 keeps the star
    expect(nextAfter('0 0 1-31 * 1', '2026-01-06T12:00:00Z')).toBe('2026-01-07T00:00:00.000Z'); // 1-31 is no star: every day
  });

  it('reads steps, N/step, ranges, lists and names as robfig does', () => {
    expect(nextAfter('*/15 * * * *', '2026-01-05T00:16:00Z')).toBe('2026-01-05T00:30:00.000Z');
    expect(nextAfter('5/20 * * * *', '2026-01-05T00:26:00Z')).toBe('2026-01-05T00:45:00.000Z'); // 5, 25, 45
    expect(nextAfter('0 8-18/4 * * *', '2026-01-05T12:30:00Z')).toBe('2026-01-05T16:00:00.000Z');
    expect(nextAfter('30 2 * JAN-MAR sun,WED', '2026-01-05T00:00:00Z')).toBe('2026-01-07T02:30:00.000Z');
    expect(nextAfter('0 0 * * */90', '2026-01-05T00:00:00Z')).toBe('2026-01-11T00:00:00.000Z'); // a step past the field: Sunday alone
  });

  it("returns Go's zero time (null) for a schedule that never occurs", () => {
    expect(nextAfter('0 0 30 2 *', '2026-01-05T00:00:00Z')).toBeNull();
    // robfig gives up after five years: from 2097 the next 29 February is in 2104 (2100 is no leap year).
    expect(nextAfter('0 0 29 2 *', '2097-02-23T00:00:00Z')).toBeNull();
    expect(nextAfter('0 0 29 2 *', '2099-02-23T00:00:00Z')).toBe('2104-02-29T00:00:00.000Z');
  });

  it("rejects what robfig rejects, and croner's extensions", () => {
    for (const expression of [
      '',
      '0 6 * *',
      '0 6 * * * *',
      '@daily',
      '0 6 * * 7',
      '0 6 * * MON-SUN',
      '0 24 * * *',
      '60 * * * *',
      '0 0 0 * *',
      '0 0 * 13 *',
      '5-1 * * * *',
      '*/0 * * * *',
      '0 0 L * *',
      '0 0 * * 5L',
      '0 0 * * 5#2',
      '0 0 15W * *',
      '0 6 * * monday',
      '1/2/3 * * * *',
      '1-2-3 * * * *',
      '*/x * * * *',
      '0-60/57 * * * *',
    ]) {
      expect(rejects(expression), JSON.stringify(expression)).toBeDefined();
    }
    expect(rejects('CRON_TZ=Europe/Berlin 0 6 * * *')).toMatch(/set the window's timeZone instead/);
  });
});

describe("durations, as Go's time.ParseDuration reads them", () => {
  const ns = (text: string) => {
    const parsed = parseGoDuration(text);
    return parsed.ok ? parsed.nanoseconds : parsed.error;
  };
  it('reads units, fractions and sums', () => {
    expect(ns('90m')).toBe(5_400_000_000_000n);
    expect(ns('1h30m')).toBe(5_400_000_000_000n);
    expect(ns('1.5h')).toBe(5_400_000_000_000n);
    expect(ns('.5h')).toBe(1_800_000_000_000n);
    expect(ns('0h')).toBe(0n);
    expect(ns('-1h')).toBe(-3_600_000_000_000n);
    expect(ns('0')).toBe(0n);
    expect(ns('1µs')).toBe(1_000n);
    expect(ns('2562047h47m16.854775807s')).toBe(9_223_372_036_854_775_807n);
  });
  it('rejects what Go rejects', () => {
    expect(ns('3')).toBe('time: missing unit in duration "3"');
    expect(ns('3d')).toBe('time: unknown unit "d" in duration "3d"');
    expect(ns('1h 30m')).toBe('time: unknown unit "h " in duration "1h 30m"');
    expect(ns('')).toBe('time: invalid duration ""');
    expect(ns('.h')).toBe('time: invalid duration ".h"');
    expect(ns('2562048h')).toBe('time: invalid duration "2562048h"');
    expect(ns('9223372036854775808ns')).toBe('time: invalid duration "9223372036854775808ns"');
    expect(ns('-9223372036854775808ns')).toBe(-9_223_372_036_854_775_808n);
  });
});

describe("time zones, as Go's time.LoadLocation reads them", () => {
  it('accepts IANA names, UTC and aliases Go knows', () => {
    for (const zone of ['Europe/Berlin', 'UTC', 'Etc/UTC', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'Etc/GMT+5'])
      expect(timeZoneProblem(zone), zone).toBeUndefined();
  });
  it('rejects unknown zones, other spellings, offsets and Local', () => {
    for (const zone of ['Mars/Olympus', 'europe/berlin', 'utc', '+01:00', '']) expect(timeZoneProblem(zone), zone).toBeDefined();
    expect(timeZoneProblem('Local')).toMatch(/zone the Argo CD controller runs in/);
  });
  it('gives the offset at the instant, across daylight saving time', () => {
    expect(utcOffsetSeconds('Europe/Berlin', Date.parse('2026-01-05T12:00:00Z'))).toBe(3600);
    expect(utcOffsetSeconds('Europe/Berlin', Date.parse('2026-07-06T12:00:00Z'))).toBe(7200);
    expect(utcOffsetSeconds('America/New_York', Date.parse('2026-01-05T12:00:00Z'))).toBe(-5 * 3600);
    expect(utcOffsetSeconds('Mars/Olympus', Date.parse('2026-07-06T12:00:00Z'))).toBe(0); // Argo CD falls back to UTC
  });
});

describe('env.yaml sync windows', () => {
  const windowIssue = (window: Record<string, unknown>) => {
    const result = EnvFileSchema.safeParse({
      route: { host: 'a.example.com' },
      sync: { mode: 'manual', windows: [{ schedule: '0 6 * * 1-4', duration: '3h', ...window }] },
    });
    return result.success ? undefined : `${result.error.issues[0]!.path.join('.')}: ${result.error.issues[0]!.message}`;
  };

  it('defaults to an allow window in UTC that does not let manual syncs through', () => {
    const parsed = EnvFileSchema.parse({
      route: { host: 'a.example.com' },
      sync: { windows: [{ schedule: '0 6 * * 1-4', duration: '3h' }] },
    });
    expect(parsed.sync.windows[0]).toEqual({ kind: 'allow', schedule: '0 6 * * 1-4', duration: '3h', timeZone: 'UTC', manualSync: false });
  });

  it('takes a deny window with manualSync: automation frozen, people not', () => {
    expect(windowIssue({ kind: 'deny', manualSync: true })).toBeUndefined();
  });

  it('checks the schedule with the cron parser', () => {
    expect(windowIssue({ schedule: '0 6 * * MON-FRI' })).toBeUndefined();
    expect(windowIssue({ schedule: '0 6 * * 7' })).toMatch(
      /^sync\.windows\.0\.schedule: a cron schedule Argo CD accepts.*day of week "7": 7 is outside 0-6/,
    );
    expect(windowIssue({ schedule: '@daily' })).toMatch(/^sync\.windows\.0\.schedule: .*descriptor/);
    expect(windowIssue({ schedule: '0 0 30 2 *' })).toMatch(/never starts.*always open/);
  });

  it('takes a positive Go duration only', () => {
    expect(windowIssue({ duration: '90m' })).toBeUndefined();
    expect(windowIssue({ duration: '1h30m' })).toBeUndefined();
    expect(windowIssue({ duration: '0h' })).toMatch(/^sync\.windows\.0\.duration: a positive duration .*zero/);
    expect(windowIssue({ duration: '-1h' })).toMatch(/^sync\.windows\.0\.duration: a positive duration .*negative/);
    expect(windowIssue({ duration: '3 hours' })).toMatch(/^sync\.windows\.0\.duration: a positive duration/);
  });

  it('takes a real time zone', () => {
    expect(windowIssue({ timeZone: 'Europe/Berlin' })).toBeUndefined();
    expect(windowIssue({ timeZone: 'UTC' })).toBeUndefined();
    expect(windowIssue({ timeZone: 'Mars/Olympus' })).toMatch(
      /^sync\.windows\.0\.timeZone: an IANA time zone .*not in the IANA time zone database/,
    );
  });
});
