/**
 * Pod Security on the platform's namespaces: the catalogue's levels reach every namespace Argo CD creates
 * (managedNamespaceMetadata) and Argo CD's own (bootstrap/namespace/), and the platform-pod-security rule
 * reports each way of losing them: no labels, a drifted level, an old version, a silent gap.
 */
import { describe, expect, it } from 'vitest';
import { ARGOCD_NAMESPACE, PLATFORM_COMPONENTS, type PlatformComponent } from '../src/catalog/components.ts';
import { namespacePodSecurity } from '../src/catalog/pod-security.ts';
import { loadChartValues } from '../src/platform/values.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { validateManifests } from '../src/validate/index.ts';
import { formatText } from '../src/validate/format/text.ts';
import { clusters, fixture, ROOT, type Any, type Fixture } from './support/repository-fixture.ts';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

function validate(f: Fixture) {
  return validateManifests({
    scopes: [{ name: 'argocd', manifests: f.argocd as Manifest[] }],
    folders: f.folders as Map<string, Manifest[]>,
  });
}
const findings = (f: Fixture) =>
  validate(f)
    .findings.filter((x) => x.ruleId === 'platform-pod-security')
    .map((x) => `${x.resource.kind} ${x.resource.name} ${x.path}: ${x.message}`);
const app = (f: Fixture, name: string): Any => f.argocd.find((d) => d.kind === 'Application' && d.metadata.name === name)!;
const managedLabels = (a: Any): Record<string, string> | undefined => a.spec.syncPolicy.managedNamespaceMetadata?.labels;
const platformApps = (f: Fixture) =>
  f.argocd.filter((d) => d.kind === 'Application' && d.metadata.labels['app.kubernetes.io/part-of'] === 'platform');

describe('the catalogue', () => {
  it('gives every component a level, and a written reason to each below restricted', () => {
    for (const component of PLATFORM_COMPONENTS) {
      if (component.podSecurity.level !== 'restricted') expect(component.podSecurity.reason.length, component.name).toBeGreaterThan(20);
    }
    expect(PLATFORM_COMPONENTS.filter((c) => c.podSecurity.level !== 'restricted').map((c) => c.name)).toEqual(['kube-prometheus-stack']);
  });

  it('makes a namespace as strict as its least strict component, keeping every reason', () => {
    const base = PLATFORM_COMPONENTS[0]!;
    const of = (name: string, podSecurity: PlatformComponent['podSecurity']): PlatformComponent => ({
      ...base,
      name,
      namespace: 'shared',
      podSecurity,
    });
    const components = [
      of('a', { level: 'restricted' }),
      of('b', { level: 'baseline', reason: 'b needs it' }),
      of('c', { level: 'restricted' }),
    ];
    expect(namespacePodSecurity('shared', components)).toEqual({
      namespace: 'shared',
      level: 'baseline',
      exceptions: [{ component: 'b', level: 'baseline', reason: 'b needs it' }],
    });
    expect(namespacePodSecurity('shared', [...components, of('d', { level: 'privileged', reason: 'd needs it' })])?.level).toBe(
      'privileged',
    );
    expect(namespacePodSecurity('elsewhere', components)).toBeUndefined();
  });

  it('keeps the values that make Alloy and Loki restricted (the chart defaults alone are not)', () => {
    for (const cluster of clusters) {
      const alloy = loadChartValues(ROOT, 'alloy', cluster).values as Any;
      expect(alloy.global.podSecurityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 473,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const container of [alloy.alloy, alloy.configReloader])
        expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(alloy.alloy.mounts).toBeUndefined(); // no hostPath: logs come through the API (loki.source.kubernetes)
      const loki = loadChartValues(ROOT, 'loki', cluster).values as Any;
      for (const pod of [loki.loki.podSecurityContext, loki.gateway.podSecurityContext])
        expect(pod.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    }
  });
});

describe('the generated argocd/ trees', () => {
  it('label every namespace a platform Application creates with its catalogue level, warn and audit restricted', () => {
    const f = fixture();
    const creating = platformApps(f).filter((a) => a.spec.syncPolicy.syncOptions.includes('CreateNamespace=true'));
    expect(creating.length).toBe((PLATFORM_COMPONENTS.length - 1) * clusters.length);
    for (const a of creating) {
      expect(managedLabels(a), a.metadata.name).toEqual({
        [ENFORCE]: namespacePodSecurity(a.spec.destination.namespace)!.level,
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      });
    }
    expect(managedLabels(app(f, 'kube-prometheus-stack-prod'))![ENFORCE]).toBe('privileged');
    expect(managedLabels(app(f, 'alloy-nonprod'))![ENFORCE]).toBe('restricted');
  });

  it('give Applications that share a namespace the same labels (one Argo CD field manager applies them all)', () => {
    const byNamespace = new Map<string, Set<string>>();
    for (const a of platformApps(fixture()).filter((a) => managedLabels(a))) {
      const key = `${a.metadata.labels['hivebox.dev/cluster']}/${a.spec.destination.namespace}`;
      byNamespace.set(key, (byNamespace.get(key) ?? new Set()).add(JSON.stringify(managedLabels(a))));
    }
    expect([...byNamespace.keys()]).toContain('nonprod/monitoring');
    for (const [namespace, labels] of byNamespace) expect(labels.size, namespace).toBe(1);
  });

  it("label Argo CD's own namespace in the bootstrap, outside the root (whose project creates no Namespace)", () => {
    const f = fixture();
    for (const cluster of clusters) {
      const namespace = f.argocd.find(
        (d) => d.kind === 'Namespace' && d.metadata.name === ARGOCD_NAMESPACE && d.metadata.labels['hivebox.dev/cluster'] === cluster,
      );
      expect(namespace?.metadata.labels[ENFORCE], cluster).toBe('restricted');
      expect(managedLabels(app(f, `argo-cd-${cluster}`))).toBeUndefined();
    }
  });

  it('pass platform-pod-security, and the report lists the namespaces below restricted with their reasons', () => {
    const report = validate(fixture());
    expect(findings(fixture())).toEqual([]);
    expect(report.notes).toEqual([
      {
        rule: 'platform-pod-security',
        scope: 'argocd',
        message: expect.stringMatching(
          /^namespace monitoring enforces Pod Security "privileged" on nonprod, prod \(warn and audit: restricted\): kube-prometheus-stack: prometheus-node-exporter .*hostPID/,
        ),
      },
    ]);
    expect(formatText(report)).toContain(`\nNotes (1):\n  argocd platform-pod-security: ${report.notes[0]!.message}\n`);
  });
});

describe('platform-pod-security', () => {
  it('reports a platform Application that creates its namespace with no Pod Security labels', () => {
    const f = fixture();
    delete app(f, 'loki-nonprod').spec.syncPolicy.managedNamespaceMetadata;
    expect(findings(f)).toEqual([
      expect.stringMatching(
        /^Application loki-nonprod spec\.syncPolicy\.managedNamespaceMetadata\.labels\["pod-security\.kubernetes\.io\/enforce"\]: loki-nonprod creates namespace logging with no Pod Security enforce level, so it admits privileged pods; .* gives logging "restricted"$/,
      ),
    ]);
  });

  it('reports a level other than the catalogue gives, with the reasons a lower level has', () => {
    const f = fixture();
    managedLabels(app(f, 'cert-manager-prod'))![ENFORCE] = 'baseline';
    managedLabels(app(f, 'prometheus-operator-crds-nonprod'))![ENFORCE] = 'restricted';
    expect(findings(f)).toEqual([
      expect.stringMatching(
        /^Application cert-manager-prod .*: cert-manager-prod creates namespace cert-manager enforcing "baseline", but the catalogue .* gives cert-manager "restricted"$/,
      ),
      expect.stringMatching(
        /^Application prometheus-operator-crds-nonprod .*enforcing "restricted", but the catalogue .* gives monitoring "privileged" \(kube-prometheus-stack: prometheus-node-exporter/,
      ),
    ]);
  });

  it('reports an old profile version, and a level below restricted that no longer warns or audits', () => {
    const f = fixture();
    const labels = managedLabels(app(f, 'kube-prometheus-stack-nonprod'))!;
    labels['pod-security.kubernetes.io/enforce-version'] = 'v1.25';
    delete labels['pod-security.kubernetes.io/warn'];
    labels['pod-security.kubernetes.io/audit'] = 'privileged';
    // Sorted by field path.
    expect(findings(f)).toEqual([
      expect.stringMatching(/audit"\]: .*below restricted without pod-security\.kubernetes\.io\/audit: restricted/),
      expect.stringMatching(/enforce-version"\]: .*enforcing the profile of Kubernetes v1\.25, not the latest$/),
      expect.stringMatching(/warn"\]: .*below restricted without pod-security\.kubernetes\.io\/warn: restricted/),
    ]);
  });

  it("reports Argo CD's namespace relabelled, or gone from the bootstrap", () => {
    const f = fixture();
    const namespaceOf = (cluster: string) =>
      f.argocd.findIndex(
        (d) => d.kind === 'Namespace' && d.metadata.name === ARGOCD_NAMESPACE && d.metadata.labels['hivebox.dev/cluster'] === cluster,
      );
    f.argocd[namespaceOf('prod')]!.metadata.labels[ENFORCE] = 'privileged';
    f.argocd.splice(namespaceOf('nonprod'), 1);
    expect(findings(f)).toEqual([
      expect.stringMatching(
        /^Application argo-cd-nonprod spec\.syncPolicy\.syncOptions: argo-cd-nonprod deploys into argocd without creating it .*no Namespace argocd labelled hivebox\.dev\/cluster: nonprod/,
      ),
      expect.stringMatching(
        /^Namespace argocd metadata\.labels\["pod-security\.kubernetes\.io\/enforce"\]: Namespace argocd of prod enforcing "privileged", but the catalogue .* gives argocd "restricted"$/,
      ),
    ]);
  });
});
