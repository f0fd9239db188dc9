/**
 * validate's sync window rules: Argo CD's window logic replayed over sampled
 * weeks (src/validate/sync-windows.ts, src/validate/checks/sync-windows.ts), on
 * the generated argocd/ manifests and on hand-made AppProjects and Applications.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../src/kube/manifest.ts';
import { viewOf } from '../src/validate/check.ts';
import { samplesOf, sampledWeeks, syncWindowCheck, REFERENCE_WEEKS } from '../src/validate/checks/sync-windows.ts';
import { validateManifests } from '../src/validate/index.ts';
import {
  activity,
  canSync,
  compileWindow,
  globMatch,
  windowMatches,
  type CompiledWindow,
  type SyncWindowSpec,
} from '../src/validate/sync-windows.ts';
import type { Finding } from '../src/validate/types.ts';
import { parseYamlStream, REPO_ROOT } from './support/repo.ts';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RULES = ['sync-window-invalid', 'sync-window-outside', 'sync-window-no-effect'];

function findings(manifests: readonly object[]): Finding[] {
  const report = validateManifests({ scopes: [{ name: 'argocd', manifests: manifests as Manifest[] }] });
  return report.findings.filter((f) => RULES.includes(f.ruleId));
}

/** Every AppProject and Application synth generated under argocd/. */
function generated(): Mutable[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.yaml') && name !== 'kustomization.yaml') files.push(path);
    }
  };
  walk(join(REPO_ROOT, 'argocd'));
  return files
    .flatMap((file) => parseYamlStream(readFileSync(file, 'utf8')))
    .filter((m) => m.kind === 'AppProject' || m.kind === 'Application');
}

const project = (name: string, syncWindows: SyncWindowSpec[], cluster?: string): Mutable => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name, namespace: 'argocd', ...(cluster ? { labels: { 'hivebox.dev/cluster': cluster } } : {}) },
  spec: { sourceRepos: ['*'], destinations: [], syncWindows },
});

const app = (name: string, options: { automated?: boolean; project?: string; cluster?: string; destination?: Mutable } = {}): Mutable => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd', ...(options.cluster ? { labels: { 'hivebox.dev/cluster': options.cluster } } : {}) },
  spec: {
    project: options.project ?? 'p',
    destination: options.destination ?? { name: 'prod', namespace: name },
    source: { repoURL: 'https://example.com/r.git', path: '.', targetRevision: 'main' },
    ...(options.automated ? { syncPolicy: { automated: { prune: true, selfHeal: true } } } : {}),
  },
});

const compiled = (spec: SyncWindowSpec): CompiledWindow => {
  const { window, problems } = compileWindow(spec);
  expect(problems).toEqual([]);
  return window!;
};

/** Whether the window is active during the minute starting at an ISO instant (sampled at its midpoint). */
const activeAt = (spec: SyncWindowSpec, minute: string) => activity(compiled(spec), [Date.parse(minute) + 30_000])[0] === 1;

const MAINTENANCE = { kind: 'allow', schedule: '0 6 * * 1-4', duration: '3h', timeZone: 'Europe/Berlin', manualSync: false };

describe('the generated argocd/ manifests', () => {
  it('pass: prod and its platform can be synced only inside their window', () => {
    const manifests = generated();
    expect(manifests.filter((m) => m.kind === 'AppProject' && (m.spec.syncWindows ?? []).length > 0).length).toBeGreaterThan(0);
    expect(findings(manifests)).toEqual([]);
  });

  it('fail as they were generated before the fix (manualSync: true on the allow window of Applications synced by hand)', () => {
    const manifests = generated();
    for (const m of manifests) if (m.kind === 'AppProject') for (const w of m.spec.syncWindows ?? []) w.manualSync = true;
    const found = findings(manifests);
    const outside = found.filter((f) => f.ruleId === 'sync-window-outside');
    expect(outside.map((f) => f.resource.name)).toContain('hivebox-prod');
    expect(outside.length).toBe(
      manifests.filter(
        (m) =>
          m.kind === 'Application' &&
          m.metadata.labels?.['hivebox.dev/cluster'] === 'prod' &&
          m.spec.syncPolicy?.automated === undefined &&
          m.metadata.name !== 'root',
      ).length,
    );
    expect(outside.find((f) => f.resource.name === 'hivebox-prod')!.message).toBe(
      'hivebox-prod can be synced by hand on Monday 2026-01-05 00:00 UTC (outside its allow windows): every allow window has manualSync: true; set manualSync: false on syncWindows[0] (allow "0 6 * * 1-4" 3h Europe/Berlin)',
    );
    // The window then decides nothing for them either.
    const windowed = manifests
      .filter((m) => m.kind === 'AppProject' && (m.spec.syncWindows ?? []).length > 0)
      .map((m) => m.metadata.name)
      .sort();
    expect(windowed).toEqual(['argocd', 'hivebox', 'platform']);
    expect(
      found
        .filter((f) => f.ruleId === 'sync-window-no-effect')
        .map((f) => f.resource.name)
        .sort(),
    ).toEqual(windowed);
  });

  it('replay every Application of the repository as generated without a finding (speed: npm run bench, not a test)', () => {
    const view = viewOf('argocd', '1.31', false, generated() as unknown as Manifest[]);
    let count = 0;
    syncWindowCheck(view, () => count++);
    expect(count).toBe(0);
  });
});

describe("Argo CD's decision (CanSync)", () => {
  const allow = compiled({ kind: 'allow', schedule: '0 6 * * *', duration: '3h' });
  const deny = compiled({ kind: 'deny', schedule: '0 7 * * *', duration: '1h' });
  const denyManual = compiled({ kind: 'deny', schedule: '0 7 * * *', duration: '1h', manualSync: true });

  it('lets a deny window beat an active allow window', () => {
    expect(canSync(false, [allow, deny], [true, false])).toBe(true);
    expect(canSync(false, [allow, deny], [true, true])).toBe(false);
    expect(canSync(true, [allow, deny], [true, true])).toBe(false);
  });

  it('lets a manual sync through active deny windows only when all of them have manualSync', () => {
    expect(canSync(true, [allow, denyManual], [true, true])).toBe(true);
    expect(canSync(false, [allow, denyManual], [true, true])).toBe(false);
    expect(canSync(true, [denyManual, deny], [true, true])).toBe(false);
  });

  it('blocks outside allow windows, manual syncs too unless every inactive allow window has manualSync', () => {
    const allowManual = compiled({ kind: 'allow', schedule: '0 20 * * *', duration: '1h', manualSync: true });
    expect(canSync(false, [allow], [false])).toBe(false);
    expect(canSync(true, [allow], [false])).toBe(false);
    expect(canSync(true, [allowManual], [false])).toBe(true);
    expect(canSync(true, [allow, allowManual], [false, false])).toBe(false);
    expect(canSync(true, [allow, allowManual], [true, false])).toBe(true);
    expect(canSync(false, [allowManual], [false])).toBe(false); // manualSync is for people, not automation
  });

  it('allows when no window, or only inactive deny windows, apply', () => {
    expect(canSync(false, [], [])).toBe(true);
    expect(canSync(false, [deny], [false])).toBe(true);
  });
});

describe('when a window is active', () => {
  it("reads the schedule in the window's zone, with the offset of the instant (winter and summer)", () => {
    const berlin = { kind: 'allow', schedule: '0 6 * * *', duration: '1h', timeZone: 'Europe/Berlin' };
    expect(activeAt(berlin, '2026-01-05T05:00:00Z')).toBe(true); // 06:00 CET
    expect(activeAt(berlin, '2026-01-05T04:00:00Z')).toBe(false);
    expect(activeAt(berlin, '2026-07-06T04:00:00Z')).toBe(true); // 06:00 CEST
    expect(activeAt(berlin, '2026-07-06T05:00:00Z')).toBe(false);
  });

  it('replays Argo CD across a daylight saving change: a start in the skipped hour never opens, one in the repeated hour opens twice', () => {
    const night = compiled({ kind: 'allow', schedule: '0 2 * * *', duration: '1h', timeZone: 'Europe/Berlin' });
    const minutesOn = (day: string) => {
      const start = Date.parse(`${day}T00:00:00Z`);
      return activity(
        night,
        Array.from({ length: 1440 }, (_, m) => start + m * 60_000 + 30_000),
      ).reduce((sum, bit) => sum + bit, 0);
    };
    // 02:00 in Berlin is 01:00 UTC in winter, 00:00 UTC in summer; the clocks change at 01:00 UTC.
    expect(minutesOn('2026-03-28')).toBe(60);
    expect(minutesOn('2026-03-29')).toBe(0); // 02:00 does not exist that night
    expect(minutesOn('2026-03-30')).toBe(60);
    expect(minutesOn('2026-10-24')).toBe(60);
    expect(minutesOn('2026-10-25')).toBe(120); // 02:00–03:00 happens twice
  });

  it('uses robfig\'s day-of-month OR day-of-week: "0 6 13 * 5" opens on Friday 9 January 2026, not only on Friday the 13th', () => {
    expect(activeAt({ kind: 'allow', schedule: '0 6 13 * 5', duration: '1h' }, '2026-01-09T06:10:00Z')).toBe(true);
    expect(activeAt({ kind: 'allow', schedule: '0 6 13 * 5', duration: '1h' }, '2026-01-08T06:10:00Z')).toBe(false);
    expect(activeAt({ kind: 'allow', schedule: '0 6 * * 5', duration: '1h' }, '2026-01-13T06:10:00Z')).toBe(false);
  });

  it('opens after its start and closes at its end, exactly as Next(t + offset − duration) < t + offset', () => {
    const six = compiled({ kind: 'allow', schedule: '0 6 * * *', duration: '1h' });
    const at = (...instants: string[]) => Array.from(activity(six, instants.map(Date.parse)));
    expect(at('2026-01-05T06:00:00.000Z', '2026-01-05T06:00:00.001Z', '2026-01-05T06:59:59.999Z', '2026-01-05T07:00:00.000Z')).toEqual([
      0, 1, 1, 0,
    ]);
    // Samples out of order, as when a zone's clocks go back, are each answered afresh.
    expect(at('2026-01-05T08:30:30Z', '2026-01-05T06:30:30Z')).toEqual([0, 1]);
  });

  it('gives up on a start more than five years ahead, as robfig does: that window is open until the limit reaches it', () => {
    const leap = compiled({ kind: 'allow', schedule: '0 0 29 2 *', duration: '1h' });
    expect(Array.from(activity(leap, [Date.parse('2097-12-31T23:59:30Z'), Date.parse('2099-03-01T00:00:30Z')]))).toEqual([1, 0]);
  });

  it("is always active when the schedule never starts (Go's zero time is before every instant)", () => {
    expect(activeAt({ kind: 'deny', schedule: '0 0 30 2 *', duration: '1h' }, '2026-07-06T12:00:00Z')).toBe(true);
  });

  it('reads an unknown zone as UTC, as Argo CD does', () => {
    const mars = compileWindow({ kind: 'allow', schedule: '0 6 * * *', duration: '1h', timeZone: 'Mars/Olympus' }).window!;
    expect(activity(mars, [Date.parse('2026-07-06T06:10:30Z'), Date.parse('2026-07-06T04:10:30Z')])).toEqual(new Uint8Array([1, 0]));
  });

  it('samples the reference weeks, plus the week of a window that starts in neither', () => {
    expect(sampledWeeks([compiled(MAINTENANCE)])).toEqual([...REFERENCE_WEEKS]);
    expect(
      sampledWeeks([compiled({ kind: 'allow', schedule: '30 14 28 11 *', duration: '2h', timeZone: 'Europe/Berlin' })]).map((w) =>
        new Date(w).toISOString(),
      ),
    ).toEqual(['2026-01-05T00:00:00.000Z', '2026-07-06T00:00:00.000Z', '2026-11-27T00:00:00.000Z']);
    expect(samplesOf(REFERENCE_WEEKS)).toHaveLength(2 * 10080);
  });
});

describe('which windows apply to an Application (Matches)', () => {
  const target = { name: 'hivebox-prod', destination: { name: 'prod', server: 'https://prod.example.com', namespace: 'hivebox-prod' } };

  it('matches applications, clusters (name or server) and namespaces, any of them', () => {
    expect(windowMatches({ applications: ['hivebox-prod'] }, target)).toBe(true);
    expect(windowMatches({ applications: ['other'], clusters: ['prod'] }, target)).toBe(true);
    expect(windowMatches({ clusters: ['https://prod.example.com'] }, target)).toBe(true);
    expect(windowMatches({ applications: ['other'], namespaces: ['hivebox-*'] }, target)).toBe(true);
    expect(windowMatches({ applications: ['other'], clusters: ['nonprod'] }, target)).toBe(false);
    expect(windowMatches({}, target)).toBe(false);
  });

  it('with andOperator, requires every list that is set to match', () => {
    expect(windowMatches({ applications: ['hivebox-*'], clusters: ['nonprod'] }, target)).toBe(true);
    expect(windowMatches({ applications: ['hivebox-*'], clusters: ['nonprod'], andOperator: true }, target)).toBe(false);
    expect(windowMatches({ applications: ['hivebox-*'], clusters: ['prod'], andOperator: true }, target)).toBe(true);
    expect(windowMatches({ applications: ['hivebox-*'], namespaces: ['other'], andOperator: true }, target)).toBe(false);
    expect(windowMatches({ clusters: ['prod'], namespaces: ['hivebox-prod'], andOperator: true }, target)).toBe(true);
    expect(windowMatches({ applications: ['other'], clusters: ['prod'], andOperator: true }, target)).toBe(false);
    expect(
      windowMatches({ applications: ['hivebox-*'], clusters: ['nonprod'], namespaces: ['hivebox-prod'], andOperator: true }, target),
    ).toBe(false);
  });

  it('reads patterns as gobwas/glob does', () => {
    expect(globMatch('hivebox-{staging,prod}', 'hivebox-prod')).toBe(true);
    expect(globMatch('hivebox-{staging,prod}', 'hivebox-dev')).toBe(false);
    expect(globMatch('*-prod', 'cert-manager-prod')).toBe(true);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('hivebox-?ev', 'hivebox-dev')).toBe(true);
    expect(globMatch('[a-c]*', 'cert-manager-prod')).toBe(true);
    expect(globMatch('[!a-c]*', 'cert-manager-prod')).toBe(false);
    expect(globMatch('[kl]oki-prod', 'loki-prod')).toBe(true);
    expect(globMatch('a/*', 'a/b/c')).toBe(true); // no separators: * crosses /
    expect(globMatch('hivebox.prod', 'hivebox-prod')).toBe(false); // . is literal
    expect(globMatch('\\*', '*')).toBe(true);
    expect(globMatch('{a,b', 'b')).toBe(true); // an unclosed { ends with the pattern
    expect(globMatch('[a-', 'a')).toBe(false); // does not compile: matches nothing
    expect(globMatch('[]', '')).toBe(false);
    expect(globMatch('[!]x', 'ax')).toBe(false); // [!] does not compile either
    expect(globMatch('a,b', 'a,b')).toBe(true); // a comma outside {} is a comma
    expect(globMatch('**-prod', 'loki-prod')).toBe(true);
  });
});

describe('the rules on hand-made projects', () => {
  it('sync-window-outside: a deny window with manualSync lets manual syncs of a manually synced Application through', () => {
    const found = findings([
      project(
        'p',
        [MAINTENANCE, { kind: 'deny', schedule: '0 0 * * 6', duration: '48h', manualSync: true, applications: ['*'] }].map((w) => ({
          applications: ['*'],
          ...w,
        })),
      ),
      app('a'),
    ]);
    expect(found.map((f) => [f.ruleId, f.resource.name])).toEqual([['sync-window-outside', 'a']]);
    expect(found[0]!.message).toBe(
      'a can be synced by hand on Saturday 2026-01-10 00:00 UTC (outside its allow windows): an active deny window lets manual syncs through; set manualSync: false on syncWindows[1] (deny "0 0 * * 6" 48h)',
    );
  });

  it('a deny window with manualSync on an Application with automated sync freezes automation, not people: no finding', () => {
    expect(
      findings([
        project('p', [{ kind: 'deny', schedule: '0 0 * * 6', duration: '48h', manualSync: true, applications: ['a'] }]),
        app('a', { automated: true }),
      ]),
    ).toEqual([]);
  });

  it('sync-window-outside: a manually synced Application with only deny windows can be synced between them', () => {
    const found = findings([project('p', [{ kind: 'deny', schedule: '0 0 * * 6', duration: '48h', applications: ['a'] }]), app('a')]);
    expect(found.map((f) => f.ruleId)).toEqual(['sync-window-outside']);
    expect(found[0]!.message).toMatch(/^a can be synced by hand on Monday 2026-01-05 00:00 UTC .*it has no allow window/);
  });

  it('sync-window-no-effect: a window that matches no Application', () => {
    const found = findings([
      project(
        'p',
        [MAINTENANCE]
          .map((w) => ({ ...w, applications: ['hivebox-prod'] }))
          .concat([{ ...MAINTENANCE, applications: ['hivebox-staging'] }]),
      ),
      app('hivebox-prod'),
    ]);
    expect(found.map((f) => [f.ruleId, f.path, f.message])).toEqual([
      [
        'sync-window-no-effect',
        'spec.syncWindows[1]',
        'syncWindows[1] (allow "0 6 * * 1-4" 3h Europe/Berlin) matches no Application of project p, so it changes nothing',
      ],
    ]);
  });

  it("sync-window-no-effect: a deny window inside the only allow window decides nothing an automated Application's allow window does not", () => {
    const found = findings([
      project('p', [
        { ...MAINTENANCE, applications: ['a'] },
        { kind: 'deny', schedule: '0 12 * * *', duration: '1h', timeZone: 'Europe/Berlin', applications: ['a'] },
      ]),
      app('a', { automated: true }),
    ]);
    expect(found.map((f) => [f.ruleId, f.path])).toEqual([['sync-window-no-effect', 'spec.syncWindows[1]']]);
    expect(found[0]!.message).toMatch(/changes no sync decision of a in any minute of the weeks sampled \(from 2026-01-05, 2026-07-06\)$/);
  });

  it('a deny window that does cut into an allow window has an effect', () => {
    expect(
      findings([
        project('p', [
          { ...MAINTENANCE, applications: ['a'] },
          { kind: 'deny', schedule: '0 7 * * 1', duration: '1h', timeZone: 'Europe/Berlin', applications: ['a'] },
        ]),
        app('a', { automated: true }),
      ]),
    ).toEqual([]);
  });

  it('andOperator: a window for hivebox-* on cluster prod does not reach hivebox-dev, so it matches nothing there', () => {
    const window = { ...MAINTENANCE, applications: ['hivebox-*'], clusters: ['prod'], andOperator: true };
    expect(
      findings([
        project('p', [window]),
        app('hivebox-prod'),
        app('hivebox-dev', { destination: { name: 'nonprod', namespace: 'hivebox-dev' } }),
      ]),
    ).toEqual([]);
    const found = findings([project('p', [window]), app('hivebox-dev', { destination: { name: 'nonprod', namespace: 'hivebox-dev' } })]);
    expect(found.map((f) => f.message)).toEqual([expect.stringMatching(/matches no Application of project p/)]);
    // Without andOperator the cluster list is an alternative: the window reaches hivebox-dev.
    expect(
      findings([
        project('p', [{ ...window, andOperator: false }]),
        app('hivebox-dev', { destination: { name: 'nonprod', namespace: 'hivebox-dev' } }),
      ]),
    ).toEqual([]);
  });

  it('a glob pattern picks the Applications a window applies to', () => {
    const found = findings([
      project('p', [{ ...MAINTENANCE, manualSync: true, applications: ['*-{prod,staging}'] }]),
      app('hivebox-prod'),
      app('hivebox-dev', { automated: true }),
    ]);
    expect(found.filter((f) => f.ruleId === 'sync-window-outside').map((f) => f.resource.name)).toEqual(['hivebox-prod']);
  });

  it("takes the AppProject of the Application's own cluster (one Argo CD per cluster)", () => {
    const manifests = [
      project('hivebox', [{ ...MAINTENANCE, manualSync: true, applications: ['hivebox-prod'] }], 'prod'),
      project('hivebox', [], 'nonprod'),
      app('hivebox-prod', { project: 'hivebox', cluster: 'nonprod' }),
    ];
    expect(findings(manifests).map((f) => [f.ruleId, f.resource.kind])).toEqual([['sync-window-no-effect', 'AppProject']]);
    manifests[2]!.metadata.labels['hivebox.dev/cluster'] = 'prod';
    expect(
      findings(manifests)
        .map((f) => f.ruleId)
        .sort(),
    ).toEqual(['sync-window-no-effect', 'sync-window-outside']);
  });

  it('a break-glass window for one day of the year has an effect (its own week is sampled)', () => {
    const breakGlass = {
      kind: 'allow',
      schedule: '30 14 28 11 *',
      duration: '2h',
      timeZone: 'Europe/Berlin',
      manualSync: false,
      applications: ['hivebox-prod'],
    };
    expect(findings([project('p', [{ ...MAINTENANCE, applications: ['hivebox-prod'] }, breakGlass]), app('hivebox-prod')])).toEqual([]);
  });

  it('sync-window-invalid: a schedule or duration Argo CD cannot parse, without replaying the Application it blocks', () => {
    const found = findings([
      project('p', [
        { ...MAINTENANCE, schedule: '0 6 * * 7', manualSync: true, applications: ['a'] },
        { ...MAINTENANCE, duration: '3 hours', applications: ['b'] },
      ]),
      app('a'),
      app('b'),
    ]);
    expect(found.map((f) => [f.ruleId, f.path])).toEqual([
      ['sync-window-invalid', 'spec.syncWindows[0].schedule'],
      ['sync-window-invalid', 'spec.syncWindows[1].duration'],
    ]);
    expect(found[0]!.message).toBe(
      'syncWindows[0] (allow "0 6 * * 7" 3h Europe/Berlin): schedule "0 6 * * 7" is not a cron schedule Argo CD accepts (day of week "7": 7 is outside 0-6): every sync of the Applications it matches fails',
    );
  });

  it('sync-window-invalid: a time zone Go cannot load, and a kind that is neither allow nor deny', () => {
    const found = findings([
      project('p', [
        { ...MAINTENANCE, timeZone: 'europe/berlin', applications: ['a'] },
        { ...MAINTENANCE, kind: 'block', applications: ['a'] },
      ]),
      app('a'),
    ]);
    expect(found.map((f) => [f.ruleId, f.path])).toEqual([
      ['sync-window-invalid', 'spec.syncWindows[0].timeZone'],
      ['sync-window-invalid', 'spec.syncWindows[1].kind'],
    ]);
  });

  it('acts on the argocd scope only', () => {
    const report = validateManifests({
      scopes: [{ name: 'prod', manifests: [project('p', [{ ...MAINTENANCE, applications: ['x'] }]) as Manifest] }],
    });
    expect(report.findings.filter((f) => RULES.includes(f.ruleId))).toEqual([]);
  });
});
