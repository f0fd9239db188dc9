/**
 * The Applications: one per environment, one per platform component and
 * cluster, and the root Application that deploys all of them.
 */
import type { Construct } from 'constructs';
import type { Environment } from '../config/environment.ts';
import type { PlatformComponent } from '../platform/components.ts';
import { valueFiles } from '../platform/values.ts';
import type { RepositoryInfo } from '../synth/repository.ts';
import { environmentAppName, isManualCluster, platformAppName } from './naming.ts';
import { BOOTSTRAP_PROJECT, HIVEBOX_PROJECT, PLATFORM_PROJECT } from './projects.ts';
import {
  Application,
  ARGOCD_NAMESPACE,
  LOCAL_CLUSTER_SERVER,
  RESOURCES_FINALIZER,
  type ApplicationSource,
  type RetryStrategy,
  type SyncPolicy,
} from './resources.ts';

export const ROOT_APP = 'root';
/** Where the root Application reads from: this folder, built by Kustomize. */
export const ARGOCD_DIR = 'argocd';
/** The source `ref` the platform Applications read their value files through (`$values/...`). */
export const VALUES_REF = 'values';

/** Transient failures (a CRD or webhook not ready yet) heal on their own within minutes. */
export const RETRY: RetryStrategy = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } };

const AUTOMATED = { prune: true, selfHeal: true } as const;

/** Argo CD notifications triggers (from its catalog) for each env.yaml list. */
const TRIGGERS = {
  onSyncFailed: 'on-sync-failed',
  onHealthDegraded: 'on-health-degraded',
  onDeployed: 'on-deployed',
} as const;

export function environmentApplication(scope: Construct, env: Environment, repo: RepositoryInfo): Application {
  const name = environmentAppName(env);
  const automatic = env.sync.mode === 'automatic';
  const syncPolicy: SyncPolicy = {
    // manual: no `automated` (and no retry) at all — a person starts every sync.
    ...(automatic ? { automated: AUTOMATED, retry: RETRY } : {}),
    // The Namespace is one of the app's own resources (with its Pod Security labels), so Argo CD must not create it.
    // PruneLast: old resources go only after the new ones are healthy. FailOnSharedResource: never take over another app's objects.
    syncOptions: ['PruneLast=true', 'FailOnSharedResource=true'],
  };
  return new Application(scope, name, {
    metadata: {
      name,
      namespace: ARGOCD_NAMESPACE,
      labels: { 'app.kubernetes.io/part-of': 'hivebox', 'hivebox.dev/environment': env.name },
      annotations: {
        // Only commits touching the overlay or the shared base refresh this app.
        'argocd.argoproj.io/manifest-generate-paths': '.;/base',
        ...notificationSubscriptions(env),
      },
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: HIVEBOX_PROJECT,
      source: { repoURL: repo.url, targetRevision: repo.revision, path: `envs/${env.name}` },
      destination: { name: env.cluster, namespace: env.namespace },
      syncPolicy,
      revisionHistoryLimit: 10,
    },
  });
}

/**
 * `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipient>[;<recipient>]`,
 * grouped per service as Argo CD notifications expects.
 */
export function notificationSubscriptions(env: Environment): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const [field, trigger] of Object.entries(TRIGGERS) as [keyof typeof TRIGGERS, string][]) {
    const byService = new Map<string, string[]>();
    for (const subscription of env.notifications[field]) {
      const separator = subscription.indexOf(':');
      const service = subscription.slice(0, separator);
      byService.set(service, [...(byService.get(service) ?? []), subscription.slice(separator + 1)]);
    }
    for (const service of [...byService.keys()].sort()) {
      annotations[`notifications.argoproj.io/subscribe.${trigger}.${service}`] = byService.get(service)!.join(';');
    }
  }
  return annotations;
}

export interface PlatformApplicationOptions {
  readonly component: PlatformComponent;
  readonly cluster: string;
  readonly environments: readonly Environment[];
  readonly repo: RepositoryInfo;
  /** The folder (repository-relative) with the extra manifests for this component on this cluster, if any. */
  readonly configPath?: string;
}

export function platformApplication(scope: Construct, options: PlatformApplicationOptions): Application {
  const { component, cluster, environments, repo, configPath } = options;
  const name = platformAppName(component.name, cluster);
  const sources: ApplicationSource[] = [
    {
      repoURL: component.repoURL,
      chart: component.chart,
      targetRevision: component.version,
      helm: {
        releaseName: component.name,
        valueFiles: valueFiles(component.name, cluster).map((file) => `$${VALUES_REF}/${file}`),
      },
    },
    { repoURL: repo.url, targetRevision: repo.revision, ref: VALUES_REF },
    ...(configPath ? [{ repoURL: repo.url, targetRevision: repo.revision, path: configPath }] : []),
  ];
  const manual = isManualCluster(cluster, environments);
  return new Application(scope, name, {
    metadata: {
      name,
      namespace: ARGOCD_NAMESPACE,
      labels: { 'app.kubernetes.io/part-of': 'platform', 'hivebox.dev/cluster': cluster },
      // No resources finalizer on purpose: deleting a platform Application must not delete its CRDs
      // and, with them, every Certificate, ExternalSecret or policy in the cluster.
      annotations: { 'argocd.argoproj.io/sync-wave': String(component.wave) },
    },
    spec: {
      project: PLATFORM_PROJECT,
      sources,
      destination: { name: cluster, namespace: component.namespace },
      syncPolicy: {
        // The platform of a cluster that hosts a manually synced environment changes only when a person syncs it.
        ...(manual ? {} : { automated: AUTOMATED, retry: RETRY }),
        syncOptions: ['CreateNamespace=true', ...(component.syncOptions ?? [])],
      },
      revisionHistoryLimit: 10,
    },
  });
}

/** The app of apps: everything under argocd/, including itself and its project. */
export function rootApplication(scope: Construct, repo: RepositoryInfo): Application {
  return new Application(scope, ROOT_APP, {
    metadata: {
      name: ROOT_APP,
      namespace: ARGOCD_NAMESPACE,
      labels: { 'app.kubernetes.io/part-of': 'hivebox-gitops' },
      // No resources finalizer on purpose: deleting the root must never cascade into every environment.
    },
    spec: {
      project: BOOTSTRAP_PROJECT,
      source: { repoURL: repo.url, targetRevision: repo.revision, path: ARGOCD_DIR },
      destination: { server: LOCAL_CLUSTER_SERVER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: { automated: AUTOMATED, retry: RETRY, syncOptions: ['PruneLast=true'] },
      revisionHistoryLimit: 10,
    },
  });
}
