/**
 * Sync windows, replayed as Argo CD decides (src/validate/sync-windows.ts)
 * over every minute of two reference weeks, for each Application of the argocd
 * scope:
 * - sync-window-invalid: a window Argo CD would reject or silently change;
 * - sync-window-outside: an Application without automated sync (synced by a
 *   person) that has windows, yet can be synced by hand while none of its allow
 *   windows is active;
 * - sync-window-no-effect: a window whose removal would change no decision for
 *   the kinds of sync the Application has (manual; automated too when it has
 *   automated sync), including a window that matches no Application.
 *
 * An Application's windows are those of the AppProject named by spec.project
 * in the same Argo CD, that Match it. Each cluster has its own Argo CD, and its
 * Applications and AppProjects carry the cluster label (CLUSTER_LABEL); an
 * AppProject without the label is a shared Argo CD's and serves Applications
 * of any cluster that no labelled AppProject of that name serves.
 *
 * The sampled weeks: the reference weeks from Monday 5 January 2026 and Monday
 * 6 July 2026, 00:00 UTC, so that both the winter and the summer offset of
 * every zone are seen; and, for a window that does not start in them (a
 * schedule for a day of the year, such as a break-glass window), the week
 * around its first start after 5 January 2026. Each minute is sampled at its
 * midpoint (hh:mm:30), away from the whole-minute instants where schedules
 * start and windows end, so no answer rests on a boundary. Deterministic: the
 * answer does not depend on the day validate runs.
 */
import { CLUSTER_LABEL } from '../../argocd/naming.ts';
import type { Manifest } from '../../kube/manifest.ts';
import { ARGOCD_SCOPE, type Check, rule, type ScopeRules } from '../check.ts';
import {
  activity,
  canSync,
  compileWindow,
  windowMatches,
  type CompiledWindow,
  type MatchTarget,
  type SyncWindowSpec,
} from '../sync-windows.ts';
import { asArray, asObject } from '../workloads.ts';
import { cachedValue } from '../../toolchain/value-cache.ts';

export const REFERENCE_WEEKS: readonly number[] = [Date.UTC(2026, 0, 5), Date.UTC(2026, 6, 6)];
const DAY = 24 * 60 * 60_000;
const WEEK = 7 * DAY;
const MINUTES_PER_WEEK = 7 * 24 * 60;

const ARGOCD_GROUP = 'argoproj.io/';
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * The weeks sampled for one AppProject's windows: the reference weeks, and the
 * week around the first start of each window that starts in neither.
 */
export function sampledWeeks(windows: readonly (CompiledWindow | undefined)[]): number[] {
  const weeks = new Set(REFERENCE_WEEKS);
  for (const window of windows) {
    // A start in the window's zone, read as UTC; the instant lies within a day of it.
    const start = window?.schedule.firstAtOrAfter(REFERENCE_WEEKS[0]!);
    if (start === null || start === undefined || REFERENCE_WEEKS.some((week) => start >= week && start < week + WEEK)) continue;
    weeks.add(Math.floor(start / DAY) * DAY - DAY);
  }
  return [...weeks].sort((a, b) => a - b);
}

/** Each minute's midpoint in the given weeks. */
export function samplesOf(weeks: readonly number[]): number[] {
  return weeks.flatMap((week) => Array.from({ length: MINUTES_PER_WEEK }, (_, minute) => week + minute * 60_000 + 30_000));
}

interface Sampling {
  readonly weeks: readonly number[];
  readonly samples: readonly number[];
}

interface ProjectWindow {
  readonly project: Manifest;
  readonly index: number;
  readonly spec: SyncWindowSpec;
  readonly compiled?: CompiledWindow;
  /** Argo CD cannot evaluate it: every Application it matches fails to sync. */
  readonly broken: boolean;
  active?: Uint8Array;
  /** Applications it matches, and those of them it changes no decision for. */
  readonly matched: string[];
  readonly noEffect: string[];
}

const isArgo = (manifest: Manifest, kind: string) => manifest.kind === kind && String(manifest.apiVersion).startsWith(ARGOCD_GROUP);
const clusterOf = (manifest: Manifest): string | undefined => manifest.metadata.labels?.[CLUSTER_LABEL];

export const syncWindowCheck: Check = (scope, report) => {
  if (scope.name !== ARGOCD_SCOPE) return;
  const projects = scope.manifests.filter((m) => isArgo(m, 'AppProject'));
  const windows = new Map<Manifest, ProjectWindow[]>();
  const sampling = new Map<Manifest, Sampling>();
  for (const project of projects) {
    const list = asArray(asObject(project.spec).syncWindows).map((raw, index): ProjectWindow => {
      const spec = asObject(raw) as SyncWindowSpec;
      const { window, problems } = compileWindow(spec);
      for (const problem of problems)
        report(
          'sync-window-invalid',
          project,
          `spec.syncWindows[${index}].${problem.field}`,
          `${describe(index, spec)}: ${problem.message}`,
        );
      return { project, index, spec, compiled: window, broken: problems.some((p) => p.blocksSyncs), matched: [], noEffect: [] };
    });
    windows.set(project, list);
    if (list.length === 0) continue;
    const weeks = sampledWeeks(list.map((w) => w.compiled));
    sampling.set(project, { weeks, samples: samplesOf(weeks) });
  }

  for (const app of scope.manifests.filter((m) => isArgo(m, 'Application'))) {
    const project = projectOf(app, projects);
    if (!project) continue;
    const spec = asObject(app.spec);
    const destination = asObject(spec.destination);
    const target: MatchTarget = {
      name: app.metadata.name,
      destination: { name: optional(destination.name), server: optional(destination.server), namespace: optional(destination.namespace) },
    };
    const matching = windows.get(project)!.filter((w) => windowMatches(w.spec, target));
    for (const w of matching) w.matched.push(app.metadata.name);
    // Argo CD refuses every sync while a matching window cannot be parsed: reported above, nothing to replay.
    if (matching.length === 0 || matching.some((w) => w.broken)) continue;
    const automated = isAutomated(spec.syncPolicy);
    const { weeks, samples } = sampling.get(project)!;
    // The replay depends only on these windows (as written, and where they stand), the kinds of sync and the weeks.
    const inputs = JSON.stringify({ automated, weeks, windows: matching.map((w) => [w.index, w.spec]) });
    const replayed = cachedValue('sync-window-replay', [inputs], () => replay(automated, matching, samples));
    if (replayed.outside) {
      const { sample, active } = replayed.outside;
      report(
        'sync-window-outside',
        app,
        'spec.syncPolicy',
        `${app.metadata.name} can be synced by hand on ${when(samples[sample]!)} (outside its allow windows): ${causeOfManualSync(matching, active)}`,
      );
    }
    matching.forEach((w, j) => {
      if (!replayed.changes[j]) w.noEffect.push(app.metadata.name);
    });
  }

  for (const list of windows.values()) {
    for (const w of list) {
      if (w.broken || (w.compiled?.kind !== 'allow' && w.compiled?.kind !== 'deny')) continue; // reported as invalid
      const where = `spec.syncWindows[${w.index}]`;
      if (w.matched.length === 0) {
        const cluster = clusterOf(w.project);
        report(
          'sync-window-no-effect',
          w.project,
          where,
          `${describe(w.index, w.spec)} matches no Application of project ${w.project.metadata.name}${cluster ? ` on cluster ${cluster}` : ''}, so it changes nothing`,
        );
      } else if (w.noEffect.length > 0) {
        const weeks = sampling.get(w.project)!.weeks.map(day).join(', ');
        report(
          'sync-window-no-effect',
          w.project,
          where,
          `${describe(w.index, w.spec)} changes no sync decision of ${w.noEffect.join(', ')} in any minute of the weeks sampled (from ${weeks})`,
        );
      }
    }
  }
};

export const syncWindowRules: ScopeRules = {
  rules: [
    rule(
      'sync-window-invalid',
      'sync-window',
      'Every sync window has a schedule, duration, time zone and kind Argo CD reads as written',
      'Write the schedule as five robfig/cron fields, the duration as a Go duration (3h, 90m), the time zone as an IANA name and the kind as allow or deny.',
    ),
    rule(
      'sync-window-outside',
      'sync-window',
      'An Application synced by hand can be synced only while one of its allow windows is open',
      'Set manualSync: false on its windows (sync.windows in env.yaml); an emergency outside them is a reviewed change that adds a temporary allow window.',
    ),
    rule(
      'sync-window-no-effect',
      'sync-window',
      'Every sync window changes some sync decision of an Application it matches',
      'Remove the window, or fix what it should match (applications, clusters, namespaces, andOperator) or decide (kind, schedule, manualSync).',
      'warning',
    ),
  ],
  check: syncWindowCheck,
};

/** What replaying an Application's windows found: a minute it can be synced by hand outside them, and which windows change a decision. */
interface Replayed {
  /** The first sample where a manual sync passes with no allow window active, and which windows were active then. */
  readonly outside: { readonly sample: number; readonly active: readonly boolean[] } | null;
  readonly changes: readonly boolean[];
}

/**
 * Replays one Application's windows over every sample: sync-window-outside, and which windows
 * change no decision for it. Its answer is kept between runs (value-cache.ts): the windows of a
 * repository rarely change, and this is most of what validate's rules cost.
 */
function replay(automated: boolean, matching: readonly ProjectWindow[], samples: readonly number[]): Replayed {
  const compiled = matching.map((w) => w.compiled!);
  const actives = matching.map((w) => (w.active ??= activity(w.compiled!, samples)));
  const kinds = automated ? [false, true] : [true]; // isManual
  const n = matching.length;
  const active: boolean[] = new Array(n);
  const without = compiled.map((_, j) => compiled.filter((__, i) => i !== j));
  const activeWithout: boolean[][] = compiled.map(() => new Array(n - 1));
  const changes: boolean[] = new Array(n).fill(false);
  let outside: Replayed['outside'] = null;

  for (let s = 0; s < samples.length; s++) {
    for (let i = 0; i < n; i++) active[i] = actives[i]![s] === 1;
    for (const isManual of kinds) {
      const decision = canSync(isManual, compiled, active);
      if (isManual && !automated && !outside && decision && !compiled.some((w, i) => active[i] && w.kind === 'allow')) {
        outside = { sample: s, active: [...active] };
      }
      for (let j = 0; j < n; j++) {
        if (changes[j]) continue;
        const rest = activeWithout[j]!;
        for (let i = 0, k = 0; i < n; i++) if (i !== j) rest[k++] = active[i]!;
        if (canSync(isManual, without[j]!, rest) !== decision) changes[j] = true;
      }
    }
  }
  return { outside, changes };
}

/** Why a manual sync passes while no allow window is active, and the fix. */
function causeOfManualSync(matching: readonly ProjectWindow[], active: readonly boolean[]): string {
  const list = (ws: ProjectWindow[]) => ws.map((w) => describe(w.index, w.spec)).join(', ');
  const denies = matching.filter((w, i) => active[i] && w.compiled!.kind === 'deny');
  if (denies.length > 0) return `an active deny window lets manual syncs through; set manualSync: false on ${list(denies)}`;
  const allows = matching.filter((w) => w.compiled!.kind === 'allow');
  if (allows.length > 0) return `every allow window has manualSync: true; set manualSync: false on ${list(allows)}`;
  return 'it has no allow window, so it can be synced whenever no deny window is active; add an allow window';
}

function projectOf(app: Manifest, projects: readonly Manifest[]): Manifest | undefined {
  const name = optional(asObject(app.spec).project) ?? 'default';
  const named = projects.filter((p) => p.metadata.name === name);
  const cluster = clusterOf(app);
  return named.find((p) => clusterOf(p) === cluster) ?? named.find((p) => clusterOf(p) === undefined);
}

/** SyncPolicy.IsAutomatedSyncEnabled: an automated block, unless its `enabled` is false. */
function isAutomated(syncPolicy: unknown): boolean {
  const automated = asObject(syncPolicy).automated;
  return automated !== undefined && automated !== null && asObject(automated).enabled !== false;
}

function optional(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function describe(index: number, spec: SyncWindowSpec): string {
  const parts = [spec.kind, spec.schedule === undefined ? undefined : JSON.stringify(spec.schedule), spec.duration, spec.timeZone].filter(
    (p) => p !== undefined && p !== '',
  );
  return `syncWindows[${index}] (${parts.join(' ')})`;
}

const pad = (n: number) => String(n).padStart(2, '0');
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** "Monday 2026-01-05 00:00 UTC": the minute a sample lies in. */
function when(sample: number): string {
  const date = new Date(sample);
  return `${DAYS[date.getUTCDay()]} ${day(sample)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}
