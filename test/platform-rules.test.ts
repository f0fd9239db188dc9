/**
 * The validate rules over the platform charts' values: each passes on this
 * repository and catches the values it exists to catch, reported on the
 * component's Application for the cluster (argocd/<cluster>/platform/<component>.yaml).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { synthesizeArgoCd } from '../src/argocd/index.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { EXTERNAL_SECRETS, KUBE_PROMETHEUS_STACK, KYVERNO, LOKI, PLATFORM_COMPONENTS } from '../src/catalog/components.ts';
import type { ChartValues, Values } from '../src/platform/values.ts';
import { repositoryInfo } from '../src/config/repository.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { PLATFORM_WORKLOADS, REPEATABLE_RENDERS } from '../src/validate/checks/platform.ts';
import { validateManifests } from '../src/validate/index.ts';
import { chartValuesOf } from '../src/validate/repository.ts';
import type { Finding } from '../src/validate/types.ts';
import { runCli, tempRepo } from './support/repo.ts';

const ROOT = join(import.meta.dirname, '..');
const environments = loadEnvironments(ROOT);
const clusters = [...new Set(environments.map((env) => env.cluster))].sort();
const argocd: Manifest[] = synthesizeArgoCd(environments, repositoryInfo(ROOT)).flatMap((file) =>
  parseAllDocuments(file.content).map((d) => d.toJS() as Manifest),
);

/** This repository's merged values of every component on every cluster, safe to change. */
const chartValues = (): ChartValues[] => structuredClone(chartValuesOf(ROOT, environments));

function findings(rule: string, values: readonly ChartValues[], manifests: readonly Manifest[] = argocd): Finding[] {
  return validateManifests({ scopes: [{ name: 'argocd', manifests }], chartValues: values }).findings.filter((f) => f.ruleId === rule);
}

function valuesOf(all: ChartValues[], component: string, cluster: string): Values {
  return all.find((c) => c.component === component && c.cluster === cluster)!.values;
}

/** Deletes a dotted key (its parent must exist). */
function unset(values: Values, path: string): void {
  const keys = path.split('.');
  let node: Values = values;
  for (const key of keys.slice(0, -1)) node = node[key] as Values;
  delete node[keys.at(-1)!];
}

function set(values: Values, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Values = values;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Values;
  node[keys.at(-1)!] = value;
}

const summary = (f: Finding) => `${f.resource.kind}/${f.resource.name} ${f.path}`;

describe('platform-resources', () => {
  it('passes this repository: every workload of every platform chart requests CPU and memory on every cluster', () => {
    const values = chartValues();
    expect(values.map((c) => `${c.component}-${c.cluster}`).sort()).toEqual(
      clusters.flatMap((k) => PLATFORM_COMPONENTS.map((c) => `${c.name}-${k}`)).sort(),
    );
    expect(findings('platform-resources', values)).toEqual([]);
  });

  it('knows the workloads of every platform component (a new component needs its row)', () => {
    expect(Object.keys(PLATFORM_WORKLOADS).sort()).toEqual(PLATFORM_COMPONENTS.map((c) => c.name).sort());
  });

  it('reports every workload of values without requests, once per cluster, on its Application', () => {
    const values = chartValues();
    for (const chart of values) for (const workload of PLATFORM_WORKLOADS[chart.component] ?? []) set(chart.values, workload.path, {});
    const found = findings('platform-resources', values);

    expect(new Set(found.map((f) => f.scope))).toEqual(new Set(['argocd']));
    expect(new Set(found.map(summary))).toEqual(
      new Set(
        values
          .filter((c) => PLATFORM_WORKLOADS[c.component]!.length > 0)
          .map((c) => `Application/${c.component}-${c.cluster} spec.sources[0].helm.valueFiles`),
      ),
    );
    const messages = found.map((f) => f.message);
    // A few by name, as they are written in the values files.
    for (const cluster of clusters) {
      expect(messages).toContainEqual(
        expect.stringContaining(
          `kube-prometheus-stack on ${cluster}: the Prometheus requests no cpu and no memory: set prometheus.prometheusSpec.resources.requests.cpu`,
        ),
      );
      expect(messages).toContainEqual(
        expect.stringContaining(`kube-prometheus-stack on ${cluster}: the Grafana sidecars requests no cpu and no memory`),
      );
      expect(messages).toContainEqual(
        expect.stringContaining(
          `kyverno on ${cluster}: the CRD migration Job requests no cpu and no memory: set crds.migration.podResources.requests.cpu`,
        ),
      );
      expect(messages).toContainEqual(expect.stringContaining(`loki on ${cluster}: the gateway requests no cpu`));
    }
    // Off in this repository's values: the Loki canary, kube-prometheus-stack's admission webhook Deployment and Thanos Ruler,
    // Argo CD's Dex (SSO is OIDC), Redis exporter, commit server and server extensions, and OpenCost's UI.
    expect(
      messages.filter((m) =>
        /canary|Thanos|the admission webhook requests|Dex|Redis exporter|commit server|extensions|opencost on \S+: the UI/.test(m),
      ),
    ).toEqual([]);
    for (const cluster of clusters)
      expect(messages).toContainEqual(
        expect.stringContaining(
          `opencost on ${cluster}: the exporter requests no cpu and no memory: set opencost.exporter.resources.requests.cpu`,
        ),
      );
    for (const cluster of clusters)
      expect(messages).toContainEqual(
        expect.stringContaining(
          `argo-cd on ${cluster}: the repo server copyutil init container requests no cpu and no memory: set repoServer.copyutil.resources.requests.cpu`,
        ),
      );
    // canary, webhook Deployment, Thanos Ruler; Dex and its init container, Redis exporter, commit server, server extensions;
    // OpenCost's UI
    const running = values.reduce((n, c) => n + PLATFORM_WORKLOADS[c.component]!.length, 0) - 9 * clusters.length;
    expect(found.length).toBe(running);
  });

  it('names the missing request, the cluster and both value files', () => {
    const values = chartValues();
    unset(valuesOf(values, KUBE_PROMETHEUS_STACK, 'prod'), 'prometheus.prometheusSpec.resources.requests.cpu');
    const found = findings('platform-resources', values);

    expect(found.map(summary)).toEqual(['Application/kube-prometheus-stack-prod spec.sources[0].helm.valueFiles']);
    expect(found[0]!.message).toBe(
      'kube-prometheus-stack on prod: the Prometheus requests no cpu: set prometheus.prometheusSpec.resources.requests.cpu in charts/kube-prometheus-stack/values.yaml + charts/kube-prometheus-stack/values-prod.yaml',
    );
  });

  it('asks only for what runs: a workload the values turn on needs requests, one they turn off does not', () => {
    const values = chartValues();
    const loki = valuesOf(values, 'loki', 'nonprod');
    set(loki, 'lokiCanary.enabled', true);
    set(loki, 'sidecar.rules.enabled', false);
    unset(loki, 'sidecar.resources');
    set(valuesOf(values, KUBE_PROMETHEUS_STACK, 'nonprod'), 'thanosRuler.enabled', true);
    expect(findings('platform-resources', values).map((f) => f.message.split(':')[0] + ':' + f.message.split(':')[1])).toEqual([
      'kube-prometheus-stack on nonprod: the Thanos Ruler requests no cpu and no memory',
      'loki on nonprod: the canary requests no cpu and no memory',
    ]);
    // The canary's default is on: only an explicit false turns it off.
    const withDefault = chartValues();
    unset(valuesOf(withDefault, 'loki', 'prod'), 'lokiCanary.enabled');
    expect(findings('platform-resources', withDefault).map((f) => f.resource.name)).toEqual(['loki-prod']);
  });

  it('reports nothing for a component whose Application argocd/ does not have', () => {
    const values = chartValues();
    unset(valuesOf(values, KUBE_PROMETHEUS_STACK, 'prod'), 'grafana.resources');
    const without = argocd.filter((m) => !(m.kind === 'Application' && m.metadata.name === 'kube-prometheus-stack-prod'));
    expect(findings('platform-resources', values, without)).toEqual([]);
    expect(findings('platform-resources', values).map((f) => f.resource.name)).toEqual(['kube-prometheus-stack-prod']);
  });
});

describe('chart-render-repeatable', () => {
  const rule = 'chart-render-repeatable';
  /** This repository's values with one change on one cluster; the findings as "Application: key". */
  function after(component: string, cluster: string, change: (values: Values) => void): string[] {
    const values = chartValues();
    change(valuesOf(values, component, cluster));
    return findings(rule, values).map((f) => `${f.resource.name}: ${f.message.split(' ')[3]}`);
  }

  it('passes this repository', () => {
    expect(findings(rule, chartValues())).toEqual([]);
  });

  it('fails Grafana without existingSecret (a random admin password in every render), naming the files', () => {
    const values = chartValues();
    for (const cluster of clusters) unset(valuesOf(values, KUBE_PROMETHEUS_STACK, cluster), 'grafana.admin.existingSecret');
    const found = findings(rule, values);
    expect(found.map(summary)).toEqual(clusters.map((k) => `Application/kube-prometheus-stack-${k} spec.sources[0].helm.valueFiles`));
    expect(found[0]!.message).toBe(
      `kube-prometheus-stack on ${clusters[0]}: grafana.admin.existingSecret must name the Secret with the admin login (charts/kube-prometheus-stack/values.yaml + charts/kube-prometheus-stack/values-${clusters[0]}.yaml); otherwise the chart renders a new random admin password every time, and each one restarts Grafana`,
    );
    // An empty name is no name; without Grafana there is nothing to render.
    expect(after(KUBE_PROMETHEUS_STACK, 'prod', (v) => set(v, 'grafana.admin.existingSecret', ''))).toEqual([
      'kube-prometheus-stack-prod: grafana.admin.existingSecret',
    ]);
    expect(
      after(KUBE_PROMETHEUS_STACK, 'prod', (v) => (unset(v, 'grafana.admin.existingSecret'), set(v, 'grafana.enabled', false))),
    ).toEqual([]);
  });

  it('fails each other value that would make a chart render differently every time', () => {
    expect(after(KUBE_PROMETHEUS_STACK, 'nonprod', (v) => set(v, 'grafana.imageRenderer.enabled', true))).toEqual([
      'kube-prometheus-stack-nonprod: grafana.imageRenderer.existingSecret',
    ]);
    expect(
      after(
        KUBE_PROMETHEUS_STACK,
        'nonprod',
        (v) => (set(v, 'grafana.imageRenderer.enabled', true), set(v, 'grafana.imageRenderer.existingSecret', 'renderer')),
      ),
    ).toEqual([]);
    expect(
      after(
        KYVERNO,
        'prod',
        (v) => (set(v, 'admissionController.createSelfSignedCert', true), set(v, 'cleanupController.createSelfSignedCert', true)),
      ),
    ).toEqual(['kyverno-prod: admissionController.createSelfSignedCert', 'kyverno-prod: cleanupController.createSelfSignedCert']);
    expect(after(LOKI, 'prod', (v) => set(v, 'gateway.basicAuth.enabled', true))).toEqual(['loki-prod: gateway.basicAuth.existingSecret']);
    expect(
      after(
        LOKI,
        'prod',
        (v) => (set(v, 'gateway.basicAuth.enabled', true), set(v, 'gateway.basicAuth.existingSecret', 'loki-gateway-auth')),
      ),
    ).toEqual([]);
    expect(after(EXTERNAL_SECRETS, 'nonprod', (v) => unset(v, 'serviceMonitor.renderMode'))).toEqual([
      'external-secrets-nonprod: serviceMonitor.renderMode',
    ]);
    expect(
      after(EXTERNAL_SECRETS, 'nonprod', (v) => (unset(v, 'serviceMonitor.renderMode'), set(v, 'serviceMonitor.enabled', false))),
    ).toEqual([]);
  });

  it('every row names a platform component', () => {
    const names = new Set(PLATFORM_COMPONENTS.map((c) => c.name));
    expect(REPEATABLE_RENDERS.filter((r) => !names.has(r.component))).toEqual([]);
  });
});

describe('hivebox-gitops validate on platform values', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('fails a values file without requests, pointing at the line of the Application that passes it', async () => {
    const { root, cleanup } = tempRepo({ withGenerated: true });
    cleanups.push(cleanup);
    const file = join(root, 'charts', 'loki', 'values-prod.yaml');
    const values = parse(readFileSync(file, 'utf8')) as Values;
    unset(values, 'singleBinary.resources');
    writeFileSync(file, stringify(values));

    const result = await runCli(root, 'validate', '--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Finding[] };
    const application = readFileSync(join(root, 'argocd', 'prod', 'platform', 'loki.yaml'), 'utf8').split('\n');
    expect(report.findings.map((f) => [f.ruleId, f.resource.name, f.location])).toEqual([
      [
        'platform-resources',
        'loki-prod',
        { file: 'argocd/prod/platform/loki.yaml', line: application.findIndex((l) => l.includes('valueFiles:')) + 1 },
      ],
    ]);
    expect(report.findings[0]!.message).toContain('singleBinary.resources.requests.cpu');
  });
});
