/**
 * The Applications of one cluster's Argo CD: one per environment on the
 * cluster, one per platform component, and the root Application that deploys
 * all of them (itself included) from argocd/<cluster>/.
 *
 * How a fresh cluster converges with no manual step (see steps.ts):
 * - the root's sync waves follow the platform's CRD dependencies, and Argo CD
 *   assesses Application health (argocd-cm, from charts/argo-cd), so a wave
 *   starts only when the Applications before it are Healthy;
 * - every automated Application retries forever, with backoff and on the newest
 *   commit, so a transient failure (a webhook not ready yet) heals by itself;
 * - Applications only a person syncs (a manual environment's, and its cluster's
 *   platform) sit in the root's last wave, as do the environments and the root
 *   itself: gitops-engine waits for health only between waves, never after the
 *   last one, so the root's sync always ends, whatever a person has not synced yet.
 */
import type { Construct } from 'constructs';
import type { Environment } from '../config/environment.ts';
import { deletionGuard } from '../constructs/metadata.ts';
import type { PlatformComponent } from '../catalog/components.ts';
import { namespacePodSecurity, podSecurityLabels } from '../catalog/pod-security.ts';
import { valueFiles } from '../platform/values.ts';
import type { RepositoryInfo } from '../config/repository.ts';
import { isManualCluster } from '../config/clusters.ts';
import { CLUSTER_LABEL, environmentAppName, platformAppName, SYNC_STEP_LABEL } from './naming.ts';
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
/** Where the root Applications read from: argocd/<cluster>, built by Kustomize. */
export const ARGOCD_DIR = 'argocd';
/** The source `ref` the platform Applications read their value files through (`$values/...`). */
export const VALUES_REF = 'values';

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
/** Skip the dry run of custom resources whose CRD is not installed yet (it comes from another Application). */
export const SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';

/**
 * Retry forever, at most 5 minutes apart, each time on the newest commit: a sync
 * that failed because a CRD or webhook was not there yet succeeds once it is,
 * with no person pressing Sync (Argo CD retries without limit when limit < 0).
 */
export const RETRY: RetryStrategy = { limit: -1, backoff: { duration: '10s', factor: 2, maxDuration: '5m' }, refresh: true };

const AUTOMATED = { prune: true, selfHeal: true } as const;

/** Argo CD notifications triggers for each env.yaml list. */
const TRIGGERS = {
  onSyncFailed: 'on-sync-failed',
  onHealthDegraded: 'on-health-degraded',
  onDeployed: 'on-deployed',
} as const;

/** Where an Application sits in its cluster's root: its sync wave and step. */
export interface TreePosition {
  readonly wave: number;
  readonly step: number;
}

export function environmentApplication(scope: Construct, env: Environment, repo: RepositoryInfo, position: TreePosition): Application {
  const name = environmentAppName(env);
  const automatic = env.sync.mode === 'automatic';
  const syncPolicy: SyncPolicy = {
    // manual: no `automated` (and no retry) at all — a person starts every sync.
    ...(automatic ? { automated: AUTOMATED, retry: RETRY } : {}),
    // The Namespace is one of the app's own resources (with its Pod Security labels), so Argo CD must not create it.
    // PruneLast: old resources go only after the new ones are healthy. FailOnSharedResource: never take over another app's objects.
    syncOptions: ['PruneLast=true', 'FailOnSharedResource=true', SKIP_DRY_RUN],
  };
  return new Application(scope, name, {
    metadata: {
      name,
      namespace: ARGOCD_NAMESPACE,
      labels: {
        'app.kubernetes.io/part-of': 'hivebox',
        'hivebox.dev/environment': env.name,
        [CLUSTER_LABEL]: env.cluster,
        [SYNC_STEP_LABEL]: String(position.step),
      },
      annotations: {
        [SYNC_WAVE]: String(position.wave),
        // Only commits touching the overlay or the shared base refresh this app.
        'argocd.argoproj.io/manifest-generate-paths': '.;/base',
        // Removing a manual environment from Git, or deleting the root with cascade, waits for a person to confirm.
        ...deletionGuard(!automatic),
        ...notificationSubscriptions(env),
      },
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: HIVEBOX_PROJECT,
      source: { repoUrl: repo.url, targetRevision: repo.revision, path: `envs/${env.name}` },
      destination: { server: LOCAL_CLUSTER_SERVER, namespace: env.namespace },
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
  readonly position: TreePosition;
  /** The folder (repository-relative) with the extra manifests for this component on this cluster, if any. */
  readonly configPath?: string;
  /** Whether the chart or the extra manifests create custom resources whose CRDs another Application installs. */
  readonly needsOtherCrds: boolean;
}

export function platformApplication(scope: Construct, options: PlatformApplicationOptions): Application {
  const { component, cluster, environments, repo, configPath, position } = options;
  const name = platformAppName(component.name, cluster);
  const sources: ApplicationSource[] = [
    {
      repoUrl: component.repoURL,
      chart: component.chart,
      targetRevision: component.version,
      helm: {
        releaseName: component.name,
        valueFiles: valueFiles(component.name, cluster).map((file) => `$${VALUES_REF}/${file}`),
      },
    },
    { repoUrl: repo.url, targetRevision: repo.revision, ref: VALUES_REF },
    ...(configPath ? [{ repoUrl: repo.url, targetRevision: repo.revision, path: configPath }] : []),
  ];
  const manual = isManualCluster(cluster, environments);
  // Argo CD's own namespace exists before Argo CD does (the bootstrap makes it, labelled); its project may create no Namespace.
  const createsNamespace = component.namespace !== ARGOCD_NAMESPACE;
  return new Application(scope, name, {
    metadata: {
      name,
      namespace: ARGOCD_NAMESPACE,
      labels: { 'app.kubernetes.io/part-of': 'platform', [CLUSTER_LABEL]: cluster, [SYNC_STEP_LABEL]: String(position.step) },
      // No resources finalizer on purpose: deleting a platform Application must not delete its CRDs
      // and, with them, every Certificate, ExternalSecret or policy in the cluster.
      annotations: { [SYNC_WAVE]: String(position.wave) },
    },
    spec: {
      project: component.project?.name ?? PLATFORM_PROJECT,
      sources,
      destination: { server: LOCAL_CLUSTER_SERVER, namespace: component.namespace },
      syncPolicy: {
        // The platform of a cluster that hosts a manually synced environment changes only when a person syncs it.
        ...(manual ? {} : { automated: AUTOMATED, retry: RETRY }),
        // The Pod Security level the catalogue gives the namespace, set by Argo CD on every sync (SSA), existing namespace or new.
        ...(createsNamespace ? { managedNamespaceMetadata: { labels: podSecurityLabels(namespacePodSecurity(component.namespace)!.level) } } : {}),
        syncOptions: [
          ...(createsNamespace ? ['CreateNamespace=true'] : []),
          ...(options.needsOtherCrds ? [SKIP_DRY_RUN] : []),
          ...(component.syncOptions ?? []),
        ],
      },
      revisionHistoryLimit: 10,
    },
  });
}

/**
 * The app of apps of one cluster: everything under argocd/<cluster>, itself and
 * its project included. No PruneLast: it would add a wave after the last one,
 * and the root would then wait for the health of Applications only a person syncs.
 */
export function rootApplication(scope: Construct, cluster: string, repo: RepositoryInfo, position: TreePosition): Application {
  return new Application(scope, ROOT_APP, {
    metadata: {
      name: ROOT_APP,
      namespace: ARGOCD_NAMESPACE,
      labels: { 'app.kubernetes.io/part-of': 'hivebox-gitops', [CLUSTER_LABEL]: cluster },
      // In the last wave: an Application waiting for its own health would wait forever.
      annotations: { [SYNC_WAVE]: String(position.wave) },
      // No resources finalizer: deleting the root orphans what it deployed. `argocd app delete root`
      // adds one (the CLI cascades by default); the Applications of a manual environment then still
      // wait for a person to confirm (CONFIRM_DELETION), and the platform's have no finalizer.
    },
    spec: {
      project: BOOTSTRAP_PROJECT,
      source: { repoUrl: repo.url, targetRevision: repo.revision, path: clusterDir(cluster) },
      destination: { server: LOCAL_CLUSTER_SERVER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: { automated: AUTOMATED, retry: RETRY },
      revisionHistoryLimit: 10,
    },
  });
}

/** The folder a cluster's root Application deploys. */
export function clusterDir(cluster: string): string {
  return `${ARGOCD_DIR}/${cluster}`;
}
