/** Facts about the clusters the environments name, for Argo CD (argocd/) and the platform (platform/) alike. */
import type { Environment } from './environment.ts';

/** The clusters the environments name, sorted: each gets the platform once. */
export function clustersOf(environments: readonly Environment[]): string[] {
  return [...new Set(environments.map((env) => env.cluster))].sort();
}

/** A cluster that hosts a manually synced environment is itself changed only by a person. */
export function isManualCluster(cluster: string, environments: readonly Environment[]): boolean {
  return environments.some((env) => env.cluster === cluster && env.sync.mode === 'manual');
}
