/** Names other commands rely on (`status`, `promote`): keep them stable. */
import type { Environment } from '../config/environment.ts';

/** Where every cluster's Argo CD, its Applications and AppProjects live (here, apart from the cdk8s constructs, for validate). */
export const ARGOCD_NAMESPACE = 'argocd';

/** Every Application and AppProject names the cluster whose Argo CD it belongs to. */
export const CLUSTER_LABEL = 'hivebox.dev/cluster';

export function environmentAppName(env: Pick<Environment, 'name'>): string {
  return `hivebox-${env.name}`;
}

export function platformAppName(component: string, cluster: string): string {
  return `${component}-${cluster}`;
}

/** The clusters the environments name, sorted: each gets the platform once. */
export function clustersOf(environments: readonly Environment[]): string[] {
  return [...new Set(environments.map((env) => env.cluster))].sort();
}

/** A cluster that hosts a manually synced environment is itself changed only by a person. */
export function isManualCluster(cluster: string, environments: readonly Environment[]): boolean {
  return environments.some((env) => env.cluster === cluster && env.sync.mode === 'manual');
}
