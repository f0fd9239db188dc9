/**
 * Convergence and data safety of the generated Argo CD trees, checked the way
 * Argo CD acts on them: the convergence-* and deletion-confirm rules on the
 * trees synth writes (clean), and on variants that break each guarantee
 * (each reported), plus the order the platform steps follow.
 */
import { describe, expect, it } from 'vitest';
import { platformSteps } from '../src/argocd/steps.ts';
import { PLATFORM_COMPONENTS, type PlatformComponent } from '../src/catalog/components.ts';
import { loadChartValues, type ChartValues } from '../src/platform/values.ts';
import { clusters, fixture, ROOT, validateFixture, type Fixture } from './support/repository-fixture.ts';

// The repository's own argo-cd values: they carry the argoproj.io/Application health check.
const assessed: ChartValues[] = clusters.map((cluster) => loadChartValues(ROOT, 'argo-cd', cluster));

function check(f: Fixture, chartValues: readonly ChartValues[] = assessed) {
  return validateFixture(f, chartValues).filter(
    (finding) => finding.ruleId.startsWith('convergence-') || finding.ruleId === 'deletion-confirm',
  );
}

const app = (f: Fixture, name: string) => f.argocd.find((d) => d.kind === 'Application' && d.metadata.name === name)!;
const rootOf = (f: Fixture, cluster: string) =>
  f.argocd.find((d) => d.kind === 'Application' && d.metadata.name === 'root' && d.metadata.labels['hivebox.dev/cluster'] === cluster)!;
const messages = (findings: ReturnType<typeof check>) => findings.map((x) => `${x.ruleId}: ${x.message}`);

describe('the generated trees', () => {
  it('converge and guard prod data where Argo CD assesses Application health: no finding', () => {
    expect(messages(check(fixture()))).toEqual([]);
  });

  it('rely on waves that order nothing when Application health is not assessed: one finding per cluster with waves', () => {
    const findings = check(fixture(), []).filter((x) => x.ruleId === 'convergence-waves');
    expect(findings.map((x) => x.message)).toEqual([
      expect.stringMatching(/argocd\/nonprod use sync waves 1, 2, 3, .*assesses no Application health/),
    ]);
  });

  it('put every Application a person syncs, every environment and the root in the last wave of their cluster', () => {
    const f = fixture();
    for (const cluster of clusters) {
      const apps = f.argocd.filter((d) => d.kind === 'Application' && d.metadata.labels['hivebox.dev/cluster'] === cluster);
      const last = Math.max(...apps.map((a) => Number(a.metadata.annotations['argocd.argoproj.io/sync-wave'])));
      for (const a of apps.filter(
        (a) => !a.spec.syncPolicy.automated || a.metadata.name === 'root' || a.metadata.name.startsWith('hivebox-'),
      )) {
        expect(Number(a.metadata.annotations['argocd.argoproj.io/sync-wave']), `${cluster}/${a.metadata.name}`).toBe(last);
      }
    }
  });

  it('order the platform by its CRDs: every chart that renders a ServiceMonitor syncs after the one installing its CRD', () => {
    const f = fixture();
    const wave = (name: string) => Number(app(f, name).metadata.annotations['argocd.argoproj.io/sync-wave']);
    const monitoring = PLATFORM_COMPONENTS.filter((c) => c.crdGroups.includes('monitoring.coreos.com'));
    expect(monitoring.length).toBeGreaterThan(0);
    for (const component of PLATFORM_COMPONENTS.filter(
      (c) => c.customKinds.some((k) => k.kind === 'ServiceMonitor') && !c.crdGroups.includes('monitoring.coreos.com'),
    )) {
      expect(wave(`${component.name}-nonprod`), component.name).toBeGreaterThan(
        Math.min(...monitoring.map((m) => wave(`${m.name}-nonprod`))),
      );
    }
  });
});

describe('convergence-waves', () => {
  it('reports an Application only a person syncs that sits before the last wave (the root would wait for it forever)', () => {
    const f = fixture();
    app(f, 'cert-manager-prod').metadata.annotations['argocd.argoproj.io/sync-wave'] = '1';
    expect(messages(check(f))).toEqual([
      expect.stringMatching(/^convergence-waves: cert-manager-prod is synced only by a person, and is in wave 1, before wave \d+/),
    ]);
  });

  it('reports a root that is not in its own last wave', () => {
    const f = fixture();
    rootOf(f, 'nonprod').metadata.annotations['argocd.argoproj.io/sync-wave'] = '0';
    expect(messages(check(f))).toEqual([expect.stringMatching(/^convergence-waves: the root itself is in wave 0/)]);
  });

  it('reports a root with PruneLast (pruning becomes a wave after the last)', () => {
    const f = fixture();
    rootOf(f, 'prod').spec.syncPolicy.syncOptions = ['PruneLast=true'];
    expect(messages(check(f))).toEqual([expect.stringMatching(/^convergence-waves: PruneLast makes pruning a wave after wave/)]);
  });
});

describe('convergence-retry', () => {
  it('reports an automated Application that stops retrying, and accepts unlimited retries', () => {
    const f = fixture();
    app(f, 'hivebox-dev').spec.syncPolicy.retry.limit = 5;
    expect(messages(check(f))).toEqual([
      'convergence-retry: hivebox-dev gives up after 5 retries; then Argo CD never syncs that commit again, and whatever waits for hivebox-dev waits until the next commit',
    ]);
    delete app(f, 'hivebox-dev').spec.syncPolicy.retry;
    expect(messages(check(f))).toEqual([expect.stringMatching(/^convergence-retry: hivebox-dev gives up after 0 retries/)]);
  });

  it('leaves alone Applications a person syncs (they have no retry)', () => {
    const f = fixture();
    expect(app(f, 'hivebox-prod').spec.syncPolicy.retry).toBeUndefined();
    expect(check(f).filter((x) => x.ruleId === 'convergence-retry')).toEqual([]);
  });
});

describe('convergence-crds', () => {
  it('accepts a ServiceMonitor in dev without SkipDryRunOnMissingResource: its CRD comes from an earlier, health-assessed wave', () => {
    const f = fixture();
    app(f, 'hivebox-dev').spec.syncPolicy.syncOptions = ['PruneLast=true'];
    expect(messages(check(f))).toEqual([]);
  });

  it('reports it where nothing makes the environment wait: prod, synced by hand in any order', () => {
    const f = fixture();
    app(f, 'hivebox-prod').spec.syncPolicy.syncOptions = ['PruneLast=true'];
    const found = messages(check(f));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^convergence-crds: hivebox-prod creates monitoring\.coreos\.com\/ServiceMonitor \(ServiceMonitor hivebox\), whose CRD prometheus-operator-crds-prod installs; nothing makes hivebox-prod wait for it/,
        ),
        expect.stringMatching(/^convergence-crds: hivebox-prod creates external-secrets\.io\/ExternalSecret/),
      ]),
    );
  });

  it('reports it in dev too once Application health is not assessed, unless the dry run is skipped', () => {
    const f = fixture();
    app(f, 'hivebox-dev').spec.syncPolicy.syncOptions = [];
    const unassessed = check(f, []).filter((x) => x.ruleId === 'convergence-crds');
    expect(unassessed.map((x) => x.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^hivebox-dev creates monitoring\.coreos\.com\/ServiceMonitor .*\(Application health is not assessed on this cluster\)/,
        ),
      ]),
    );
    app(f, 'hivebox-dev').spec.syncPolicy.syncOptions = ['SkipDryRunOnMissingResource=true'];
    expect(check(f, []).filter((x) => x.ruleId === 'convergence-crds' && x.message.startsWith('hivebox-dev'))).toEqual([]);
  });

  it('reports a chart whose ServiceMonitor CRD comes from a later wave', () => {
    const f = fixture();
    const kyverno = app(f, 'kyverno-nonprod');
    kyverno.metadata.annotations['argocd.argoproj.io/sync-wave'] = '1';
    kyverno.spec.syncPolicy.syncOptions = kyverno.spec.syncPolicy.syncOptions.filter(
      (o: string) => o !== 'SkipDryRunOnMissingResource=true',
    );
    expect(messages(check(f))).toEqual([
      expect.stringMatching(
        /^convergence-crds: kyverno-nonprod creates monitoring\.coreos\.com\/ServiceMonitor \(rendered by its chart\), whose CRD prometheus-operator-crds-nonprod installs/,
      ),
    ]);
  });

  it('reports a controller that watches Gateway API kinds synced no later than their CRDs, whatever its sync options', () => {
    const f = fixture();
    const certManager = app(f, 'cert-manager-nonprod');
    certManager.metadata.annotations['argocd.argoproj.io/sync-wave'] = '1';
    certManager.spec.syncPolicy.syncOptions = [...certManager.spec.syncPolicy.syncOptions, 'SkipDryRunOnMissingResource=true'];
    expect(messages(check(f))).toEqual([
      expect.stringMatching(
        /^convergence-crds: cert-manager-nonprod watches gateway\.networking\.k8s\.io\/Gateway \(its controller fails without it\), whose CRD gateway-crds-nonprod installs; .*SkipDryRunOnMissingResource cannot help/,
      ),
      expect.stringMatching(/^convergence-crds: cert-manager-nonprod watches gateway\.networking\.k8s\.io\/HTTPRoute /),
    ]);
  });

  it('on a cluster synced by hand, accepts a watching controller only in a later sync step than its CRDs', () => {
    const f = fixture();
    const certManager = app(f, 'cert-manager-prod');
    certManager.metadata.labels['hivebox.dev/sync-step'] = app(f, 'gateway-crds-prod').metadata.labels['hivebox.dev/sync-step'];
    expect(messages(check(f))).toEqual([
      expect.stringMatching(
        /^convergence-crds: cert-manager-prod watches gateway\.networking\.k8s\.io\/Gateway .*an earlier hivebox\.dev\/sync-step\)$/,
      ),
      expect.stringMatching(/^convergence-crds: cert-manager-prod watches gateway\.networking\.k8s\.io\/HTTPRoute /),
    ]);
  });

  it('reports a custom resource no Application on the cluster installs the CRD of', () => {
    const f = fixture();
    f.argocd = f.argocd.filter((d) => !(d.kind === 'Application' && d.metadata.name === 'external-secrets-nonprod'));
    expect(messages(check(f))).toContain(
      'convergence-crds: hivebox-dev creates external-secrets.io/ExternalSecret (ExternalSecret hivebox-minio), but no Application on nonprod installs the CRDs of external-secrets.io',
    );
  });
});

describe('deletion-confirm', () => {
  it('reports a manual environment whose Application would be pruned or deleted without confirmation', () => {
    const f = fixture();
    delete app(f, 'hivebox-prod').metadata.annotations['argocd.argoproj.io/sync-options'];
    expect(messages(check(f))).toEqual([
      expect.stringMatching(/^deletion-confirm: hivebox-prod is synced by hand, yet removing it from Git or deleting its root deletes it/),
    ]);
  });

  it("reports prod's Namespace and StatefulSets without confirmation, and volumes deleted with their StatefulSet", () => {
    const f = fixture();
    for (const manifest of f.envs.get('prod')!) {
      if (manifest.kind === 'Namespace') delete manifest.metadata.annotations['argocd.argoproj.io/sync-options'];
      if (manifest.kind === 'StatefulSet' && manifest.metadata.name === 'minio')
        manifest.spec.persistentVolumeClaimRetentionPolicy.whenDeleted = 'Delete';
    }
    expect(messages(check(f)).sort()).toEqual([
      expect.stringMatching(/^deletion-confirm: Namespace hivebox-prod of prod \(synced by hand\) is deleted without a confirmation/),
      'deletion-confirm: deleting StatefulSet minio of prod deletes its volumes (whenDeleted: Delete); set whenDeleted: Retain',
    ]);
  });

  it('asks nothing of dev and staging, which sync automatically and keep no data that matters', () => {
    const f = fixture();
    for (const name of ['dev', 'staging']) {
      const sts = f.envs.get(name)!.filter((m) => m.kind === 'StatefulSet');
      expect(sts.length).toBeGreaterThan(0);
      for (const m of sts) expect(m.spec.persistentVolumeClaimRetentionPolicy.whenDeleted).toBe('Delete');
    }
    expect(check(f).filter((x) => x.ruleId === 'deletion-confirm')).toEqual([]);
  });
});

describe('platform steps', () => {
  const component = (name: string, crdGroups: string[], kinds: string[]): PlatformComponent =>
    ({
      ...PLATFORM_COMPONENTS[0]!,
      name,
      crdGroups,
      customKinds: kinds.map((k) => ({ group: k.split('/')[0]!, kind: k.split('/')[1]! })),
    }) as PlatformComponent;

  it('puts a component right after the last one whose CRDs it needs, extra manifests included', () => {
    const crds = component('crds', ['a.example'], []);
    const operator = component('operator', ['b.example'], ['a.example/Monitor']);
    const app = component('app', [], []);
    const steps = platformSteps([
      { component: app, extraKinds: [{ group: 'b.example', kind: 'Thing' }] },
      { component: operator, extraKinds: [] },
      { component: crds, extraKinds: [] },
    ]);
    expect(Object.fromEntries(steps)).toEqual({ app: 3, operator: 2, crds: 1 });
  });

  it('refuses a dependency cycle', () => {
    const a = component('a', ['a.example'], ['b.example/B']);
    const b = component('b', ['b.example'], ['a.example/A']);
    expect(() =>
      platformSteps([
        { component: a, extraKinds: [] },
        { component: b, extraKinds: [] },
      ]),
    ).toThrow(/cycle/);
  });
});
