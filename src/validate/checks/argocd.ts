/**
 * What the Argo CD rules share: the Applications of every scope with the
 * cluster each belongs to, and the argo-cd chart values of that cluster (the
 * Argo CD that reconciles it, notifies about it and authorizes syncing it).
 */
import { CLUSTER_LABEL } from '../../argocd/naming.ts';
import { ARGO_CD } from '../../catalog/components.ts';
import type { ChartValues, Values } from '../../platform/values.ts';
import type { Manifest } from '../../kube/manifest.ts';
import type { RepositoryView } from '../check.ts';
import { asArray, asObject, asStringMap, isObject } from '../workloads.ts';

/** The argo-helm chart the argo-cd component installs (what a self-managing Application's source names). */
export const ARGO_CD_CHART = 'argo-cd';

export interface ArgoApplication {
  readonly manifest: Manifest;
  /** The scope the Application was rendered in (findings are reported there). */
  readonly scope: string;
  readonly name: string;
  readonly project: string;
  /** metadata.namespace: Argo CD's own (argocd) unless the Application lives in another namespace. */
  readonly namespace: string;
  /** The cluster whose Argo CD holds it; undefined when neither the label nor a destination name tells. */
  readonly cluster?: string;
  /** spec.syncPolicy.automated is set: Argo CD syncs it without a person. */
  readonly automated: boolean;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * The cluster an Application belongs to: its `hivebox.dev/cluster` label (every
 * Application carries one once each cluster has its own Argo CD), else the cluster
 * its destination names. A destination by server URL alone names no cluster.
 */
export function clusterOf(manifest: Manifest): string | undefined {
  const label = asStringMap(manifest.metadata.labels)[CLUSTER_LABEL];
  if (label) return label;
  const name = asObject(asObject(manifest.spec).destination).name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

export function applications(repository: RepositoryView): ArgoApplication[] {
  const found: ArgoApplication[] = [];
  for (const [scope, view] of repository.scopes) {
    for (const manifest of view.manifests) {
      if (manifest.kind !== 'Application' || !String(manifest.apiVersion).startsWith('argoproj.io/')) continue;
      const spec = asObject(manifest.spec);
      const cluster = clusterOf(manifest);
      found.push({
        manifest,
        scope,
        name: String(manifest.metadata.name),
        project: typeof spec.project === 'string' && spec.project !== '' ? spec.project : 'default',
        namespace: manifest.metadata.namespace ?? 'argocd',
        ...(cluster ? { cluster } : {}),
        automated: isObject(asObject(spec.syncPolicy).automated),
        annotations: asStringMap(manifest.metadata.annotations),
      });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name) || a.scope.localeCompare(b.scope));
}

/** The merged argo-cd values of a cluster; undefined when the repository has none (no argo-cd component). */
export function argoCdValues(repository: RepositoryView, cluster: string): ChartValues | undefined {
  return repository.chartValues.find((values) => values.component === ARGO_CD && values.cluster === cluster);
}

/** The clusters with an Argo CD to check: those the Applications belong to and those with argo-cd values. */
export function argoCdClusters(repository: RepositoryView, apps: readonly ArgoApplication[]): string[] {
  const clusters = new Set(apps.flatMap((app) => (app.cluster ? [app.cluster] : [])));
  for (const values of repository.chartValues) if (values.component === ARGO_CD) clusters.add(values.cluster);
  return [...clusters].sort();
}

/** Where a finding about a cluster's Argo CD configuration is reported: the Application that installs it, or else any of the cluster's Applications. */
export function anchorOf(apps: readonly ArgoApplication[], cluster: string): { app: ArgoApplication; path: string } | undefined {
  const own = apps.filter((app) => app.cluster === cluster);
  for (const app of own) {
    const spec = asObject(app.manifest.spec);
    const sources = spec.sources !== undefined ? asArray(spec.sources) : [spec.source];
    const index = sources.findIndex((source) => asObject(source).chart === ARGO_CD_CHART);
    if (index >= 0)
      return { app, path: spec.sources !== undefined ? `spec.sources[${index}].helm.valueFiles` : 'spec.source.helm.valueFiles' };
  }
  return own[0] ? { app: own[0], path: '' } : undefined;
}

/** A value at a path of string keys (keys may contain dots: `['configs', 'cm', 'admin.enabled']`). */
export function valueAt(values: Values, path: readonly string[]): unknown {
  let current: unknown = values;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** "charts/argo-cd/values.yaml + charts/argo-cd/values-prod.yaml" */
export function filesOf(values: ChartValues): string {
  return values.files.join(' + ');
}
