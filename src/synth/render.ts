/**
 * Renders one environment's manifests straight from the constructs. This is
 * what the environment means; the overlay written to envs/<env>/ must make
 * kustomize produce exactly this (the invariant the tests check).
 */
import { App } from 'cdk8s';
import type { Environment } from '../config/environment.ts';
import { EnvironmentChart } from '../constructs/environment-chart.ts';
import { canonicalOrder } from '../kube/canonical.ts';
import type { Manifest } from '../kube/manifest.ts';
import { objectIdOf, objectKey } from '../kube/object.ts';

/** Kinds without a namespace among those the constructs produce. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterSecretStore', 'ClusterIssuer']);

/**
 * Rendered environments by their settings: a process that synthesizes more than once (promote
 * checks, then writes; the base is rendered by every synth) renders each distinct environment
 * once. Callers get their own copy.
 */
const rendered = new Map<string, readonly Manifest[]>();
const REMEMBERED = 64;

export function renderEnvironment(environment: Environment): Manifest[] {
  const key = JSON.stringify(environment);
  let manifests = rendered.get(key);
  if (!manifests) {
    manifests = render(environment);
    if (rendered.size >= REMEMBERED) rendered.delete(rendered.keys().next().value!);
    rendered.set(key, manifests);
  }
  return structuredClone(manifests) as Manifest[];
}

/** One render in canonical key order, not remembered: what renderEnvironment keeps, and what synth writes from. */
export function render(environment: Environment): Manifest[] {
  return renderForComparison(environment).map((manifest) => canonicalOrder(manifest) as Manifest);
}

/**
 * The same manifests with their keys in whatever order cdk8s left them: for the source map's one
 * render per setting (src/sources/trace.ts), which compares fields by path, so the order cannot
 * change what it finds, and putting every key in order would cost it every time.
 */
export function renderForComparison(environment: Environment): Manifest[] {
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  const chart = new EnvironmentChart(app, 'hivebox', { environment });
  return (chart.toJson() as Manifest[]).map((manifest) => {
    if (!CLUSTER_SCOPED.has(manifest.kind)) return manifest;
    const { namespace: _ignored, ...metadata } = manifest.metadata;
    return { ...manifest, metadata };
  });
}

/** How a resource is identified across base and overlays: the object key without the namespace, which differs by design. */
export function resourceKey(manifest: Manifest): string {
  return objectKey({ ...objectIdOf(manifest), namespace: '' });
}
