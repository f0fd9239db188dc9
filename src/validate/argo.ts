/** Argo CD's sync options, read the way Argo CD reads them (gitops-engine's resource/annotations.go). */
import type { Manifest } from '../kube/manifest.ts';
import { asArray, asObject, asStringMap } from './workloads.ts';

const ANNOTATION = 'argocd.argoproj.io/sync-options';

/**
 * The sync options of an Application spec (`syncPolicy.syncOptions`) or of a
 * resource (its annotation, comma-separated).
 */
export function syncOptionsOf(subject: Manifest | Record<string, unknown>): string[] {
  if ('metadata' in subject && 'kind' in subject) {
    const annotation = asStringMap((subject as Manifest).metadata.annotations)[ANNOTATION];
    return annotation ? annotation.split(',').map((o) => o.trim()) : [];
  }
  return asArray(asObject((subject as Record<string, unknown>).syncPolicy).syncOptions).map(String);
}

export function hasSyncOption(options: readonly string[], name: string, value: string): boolean {
  return options.includes(`${name}=${value}`);
}
