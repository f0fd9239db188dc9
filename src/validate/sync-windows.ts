/**
 * Argo CD's sync window logic (argo-cd v3.5.1, pkg/apis/application/v1alpha1:
 * SyncWindows.Matches, active, inactiveAllows, CanSync, hasDeny, manualEnabled,
 * scheduleOffsetByTimeZone; util/glob over gobwas/glob), replayed on
 * manifests, quirks included:
 * - a window's schedule is robfig/cron (src/config/cron.ts) evaluated in UTC on
 *   the instant shifted by the zone's offset *at that instant*; the window is
 *   active at t iff Next(t + offset − duration) is strictly before t + offset.
 *   A schedule with no next occurrence yields Go's zero time, so that window is
 *   always active;
 * - a time zone Go cannot load is UTC;
 * - an active deny window beats everything; a manual sync passes it only when
 *   every active deny window has manualSync;
 * - otherwise an active allow window allows; otherwise inactive allow windows
 *   block, except a manual sync when every inactive allow window has manualSync;
 * - no window at all allows.
 * A sync that starts has no operation start time yet, so syncOverrun plays no part.
 */
import { parseCron, type CronSchedule } from '../config/cron.ts';
import { parseGoDuration } from '../config/go-duration.ts';
import { timeZoneProblem, utcOffsetSeconds } from '../config/time-zone.ts';
import type { AppProjectSpecSyncWindows } from '../imports/argoproj.io.ts';

/**
 * A window as written in an AppProject (spec.syncWindows[i]): the fields of the pinned CRD (its imported type),
 * any of which may be missing or mistyped in a manifest.
 */
export type SyncWindowSpec = { readonly [Field in keyof AppProjectSpecSyncWindows]?: unknown };

/** What Matches reads of an Application. */
export interface MatchTarget {
  readonly name: string;
  readonly destination: { readonly name?: string; readonly server?: string; readonly namespace?: string };
}

export interface CompiledWindow {
  readonly kind: string;
  readonly manualSync: boolean;
  readonly timeZone: string;
  readonly schedule: CronSchedule;
  /** The duration as whole seconds (rounded down) and the nanoseconds left over. */
  readonly durationSeconds: number;
  readonly durationRemainderNs: number;
}

export interface WindowProblem {
  /** The field, relative to the window: schedule, duration, timeZone or kind. */
  readonly field: string;
  readonly message: string;
  /** Argo CD fails every sync of an Application this window matches (an unparseable schedule or duration). */
  readonly blocksSyncs: boolean;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(str) : []);

/** Compiles a window the way Argo CD parses it, with everything Argo CD would reject or silently change. */
export function compileWindow(spec: SyncWindowSpec): { window?: CompiledWindow; problems: WindowProblem[] } {
  const problems: WindowProblem[] = [];
  const kind = str(spec.kind);
  if (kind !== 'allow' && kind !== 'deny') {
    problems.push({
      field: 'kind',
      message: `kind ${JSON.stringify(kind)} is neither allow nor deny: Argo CD refuses it in a project it validates, and the controller ignores the window`,
      blocksSyncs: false,
    });
  }
  const zone = str(spec.timeZone);
  const zoneProblem = zone === '' ? undefined : timeZoneProblem(zone);
  if (zoneProblem)
    problems.push({
      field: 'timeZone',
      message: `timeZone ${JSON.stringify(zone)}: Argo CD cannot load it and silently uses UTC (${zoneProblem})`,
      blocksSyncs: false,
    });
  const schedule = parseCron(str(spec.schedule));
  if (!schedule.ok)
    problems.push({
      field: 'schedule',
      message: `schedule ${JSON.stringify(str(spec.schedule))} is not a cron schedule Argo CD accepts (${schedule.error}): every sync of the Applications it matches fails`,
      blocksSyncs: true,
    });
  const duration = parseGoDuration(str(spec.duration));
  if (!duration.ok)
    problems.push({
      field: 'duration',
      message: `duration ${JSON.stringify(str(spec.duration))} is not a Go duration (${duration.error}): every sync of the Applications it matches fails`,
      blocksSyncs: true,
    });
  if (!schedule.ok || !duration.ok) return { problems };
  const ns = duration.nanoseconds;
  const seconds = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  return {
    // A zone Go cannot load counts as UTC (utcOffsetSeconds).
    window: {
      kind,
      manualSync: spec.manualSync === true,
      timeZone: zone || 'UTC',
      schedule: schedule.schedule,
      durationSeconds: Number(seconds),
      durationRemainderNs: Number(ns - seconds * 1_000_000_000n),
    },
    problems,
  };
}

/** One window of SyncWindows.Matches(app): applications, then clusters, then namespaces, OR or AND. */
export function windowMatches(window: SyncWindowSpec, app: MatchTarget): boolean {
  const and = window.andOperator === true;
  const applications = strings(window.applications);
  const clusters = strings(window.clusters);
  const namespaces = strings(window.namespaces);
  let matched = false;
  let isSet = false;
  if (applications.length > 0) {
    isSet = true;
    matched = applications.some((pattern) => globMatch(pattern, app.name));
  }
  if (and && !matched && isSet) return false;
  if (!and && matched) return true;
  if (clusters.length > 0) {
    isSet = true;
    const { name = '', server = '' } = app.destination;
    matched = clusters.some((pattern) => (name !== '' && globMatch(pattern, name)) || (server !== '' && globMatch(pattern, server)));
  }
  if (isSet && and && !matched) return false;
  if (!and && matched) return true;
  if (namespaces.length > 0) matched = namespaces.some((pattern) => globMatch(pattern, app.destination.namespace ?? ''));
  return matched;
}

/** Whether a window is active at each sample (ms since the epoch). */
export function activity(window: CompiledWindow, samples: readonly number[]): Uint8Array {
  const active = new Uint8Array(samples.length);
  // The last answer: no occurrence in [from, at), and one at `at` (or none before the year's five-year limit).
  let from = Number.POSITIVE_INFINITY;
  let at: number | null = null;
  let year = -1;
  for (let i = 0; i < samples.length; i++) {
    const t = samples[i]!;
    // t + offset, in ms; Next(t + offset − duration) starts at the second after that instant (in ns, without overflow).
    const shifted = t + utcOffsetSeconds(window.timeZone, t) * 1000;
    const wholeSeconds = Math.floor(shifted / 1000);
    const belowSecondNs = (shifted - wholeSeconds * 1000) * 1_000_000 - window.durationRemainderNs;
    const start = (wholeSeconds - window.durationSeconds + (belowSecondNs >= 0 ? 0 : -1) + 1) * 1000;
    const startYear = new Date(start).getUTCFullYear();
    const reusable = start >= from && (at === null ? startYear === year : start <= at);
    if (!reusable) {
      from = start;
      year = startYear;
      at = window.schedule.firstAtOrAfter(start);
    }
    // Go's zero time is before every instant.
    active[i] = at === null || at < shifted ? 1 : 0;
  }
  return active;
}

/**
 * SyncWindows.CanSync for a sync that starts now, over the windows that match
 * an Application and which of them are active.
 */
export function canSync(isManual: boolean, windows: readonly CompiledWindow[], active: readonly boolean[]): boolean {
  if (windows.length === 0) return true;
  let deny = false;
  let denyManual = true;
  let activeAllow = false;
  let inactiveAllow = false;
  let inactiveAllowManual = true;
  for (let i = 0; i < windows.length; i++) {
    const window = windows[i]!;
    if (active[i]) {
      if (window.kind === 'deny') {
        deny = true;
        denyManual &&= window.manualSync;
      } else if (window.kind === 'allow') activeAllow = true;
    } else if (window.kind === 'allow') {
      inactiveAllow = true;
      inactiveAllowManual &&= window.manualSync;
    }
  }
  if (deny) return isManual && denyManual;
  if (activeAllow) return true;
  if (inactiveAllow) return isManual && inactiveAllowManual;
  return true;
}

/**
 * util/glob.Match without separators, as Matches calls it (globMatch's `*`
 * shortcut included, which compiles to the same): gobwas/glob syntax; a
 * pattern that does not compile matches nothing.
 */
export function globMatch(pattern: string, value: string): boolean {
  let compiled = GLOBS.get(pattern);
  if (compiled === undefined) GLOBS.set(pattern, (compiled = compileGlob(pattern)));
  return compiled !== null && compiled.test(value);
}

const GLOBS = new Map<string, RegExp | null>();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const escapeClass = (text: string) => text.replace(/[\\\]^-]/g, '\\$&');

/** gobwas/glob's lexer and parser (v0.2.3): * and ** any text, ? one character, [a-z] [!a-z] [abc] [!abc], {a,b} alternatives, \ escapes. */
export function compileGlob(pattern: string): RegExp | null {
  const chars = [...pattern];
  let pos = 0;
  // Each open {…}: the alternatives so far; the innermost is last. The root has one alternative.
  const frames: string[][] = [['']];
  const append = (text: string) => {
    const frame = frames.at(-1)!;
    frame[frame.length - 1] += text;
  };
  const readText = (breakers: string): string => {
    let text = '';
    let escaped = false;
    while (pos < chars.length) {
      const c = chars[pos]!;
      if (!escaped) {
        if (c === '\\') {
          escaped = true;
          pos++;
          continue;
        }
        if (breakers.includes(c)) break;
      }
      escaped = false;
      text += c;
      pos++;
    }
    return text;
  };
  while (pos < chars.length) {
    const c = chars[pos]!;
    const inTerms = frames.length > 1;
    if (c === '{') {
      pos++;
      frames.push(['']);
    } else if (c === ',' && inTerms) {
      pos++;
      frames.at(-1)!.push('');
    } else if (c === '}' && inTerms) {
      pos++;
      const alternatives = frames.pop()!;
      append(`(?:${alternatives.join('|')})`);
    } else if (c === '[') {
      pos++;
      const range = readRange();
      if (range === null) return null;
      append(range);
    } else if (c === '?') {
      pos++;
      append('.');
    } else if (c === '*') {
      // * and ** (gobwas's super-asterisk) are the same without separators.
      pos++;
      append('.*');
    } else {
      append(escapeRegExp(readText(inTerms ? '?*[{},' : '?*[{')));
    }
  }
  // An unclosed { is closed by the end of the pattern (gobwas's parser does not object).
  while (frames.length > 1) {
    const alternatives = frames.pop()!;
    append(`(?:${alternatives.join('|')})`);
  }
  return new RegExp(`^${frames[0]![0]}$`, 'su');

  function readRange(): string | null {
    let not = false;
    let lo: string | undefined;
    let hi: string | undefined;
    let text = '';
    for (;;) {
      if (pos >= chars.length) return null; // unexpected end of input
      const r = chars[pos++]!;
      if (lo !== undefined && hi === undefined) {
        hi = r;
        if (hi.codePointAt(0)! < lo.codePointAt(0)!) return null; // hi should be greater than lo
        if (chars[pos++] !== ']') return null; // expected close range character
        break;
      }
      if (!not && r === '!') {
        not = true;
        continue;
      }
      if (chars[pos] === '-') {
        pos++;
        lo = r;
        continue;
      }
      pos--;
      text = readText(']');
      if (chars[pos++] !== ']') return null;
      if (text === '') return null; // could not parse range
      break;
    }
    const body = lo !== undefined ? `${escapeClass(lo)}-${escapeClass(hi!)}` : escapeClass(text);
    return `[${not ? '^' : ''}${body}]`;
  }
}
