/**
 * The three AppProjects of one cluster's Argo CD, each allowed exactly what its
 * Applications deploy, on that cluster only:
 * - hivebox: this repository, into the namespaces of the environments on the cluster;
 * - platform: this repository and the pinned chart repositories, into the platform namespaces;
 * - bootstrap: this repository, Applications and AppProjects in argocd only.
 * No list holds a `*`.
 */
import type { Construct } from 'constructs';
import type { Environment } from '../config/environment.ts';
import { PLATFORM_COMPONENTS, type PlatformComponent } from '../catalog/components.ts';
import { PLATFORM_SECRETS_NAMESPACE, secretSourceNamespace } from '../platform/cluster-config.ts';
import type { RepositoryInfo } from '../config/repository.ts';
import { AppProject, ARGOCD_NAMESPACE, LOCAL_CLUSTER_SERVER, type Destination, type SyncWindow } from './resources.ts';
import type { GroupKind } from '../kube/manifest.ts';
import { isManualCluster } from '../config/clusters.ts';
import { CLUSTER_LABEL, environmentAppName, platformAppName } from './naming.ts';

export const HIVEBOX_PROJECT = 'hivebox';
export const PLATFORM_PROJECT = 'platform';
export const BOOTSTRAP_PROJECT = 'bootstrap';

/** The kinds the HiveBox constructs produce in an environment's namespace (a test keeps this in step with them). */
export const HIVEBOX_NAMESPACED_KINDS: readonly GroupKind[] = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'LimitRange' },
  { group: '', kind: 'ResourceQuota' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'apps', kind: 'StatefulSet' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  { group: 'batch', kind: 'Job' },
  { group: 'external-secrets.io', kind: 'ExternalSecret' },
  { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
  { group: 'monitoring.coreos.com', kind: 'PrometheusRule' },
  { group: 'monitoring.coreos.com', kind: 'ServiceMonitor' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
];

/** HiveBox creates its own Namespace (with its Pod Security labels) and nothing else cluster-wide. */
export const HIVEBOX_CLUSTER_KINDS: readonly GroupKind[] = [{ group: '', kind: 'Namespace' }];

// Before every Application of the root: an Application cannot sync before its project exists.
const PROJECT_WAVE = { 'argocd.argoproj.io/sync-wave': '0' };
const local = (namespace: string): Destination => ({ server: LOCAL_CLUSTER_SERVER, namespace });
/** Every project lives in Argo CD's namespace, labelled with its cluster, one wave before the Applications. */
const projectMetadata = (name: string, cluster: string) => ({ name, namespace: ARGOCD_NAMESPACE, labels: { [CLUSTER_LABEL]: cluster }, annotations: PROJECT_WAVE });

/** `environments`: those on this cluster. */
export function hiveboxProject(scope: Construct, cluster: string, environments: readonly Environment[], repo: RepositoryInfo): AppProject {
  return new AppProject(scope, HIVEBOX_PROJECT, {
    metadata: projectMetadata(HIVEBOX_PROJECT, cluster),
    spec: {
      description: 'HiveBox in every environment on this cluster: envs/<env> from this repository into the namespace its env.yaml names.',
      sourceRepos: [repo.url],
      destinations: sortDestinations(environments.map((env) => local(env.namespace))),
      clusterResourceWhitelist: [...HIVEBOX_CLUSTER_KINDS],
      namespaceResourceWhitelist: [...HIVEBOX_NAMESPACED_KINDS],
      syncWindows: environments.flatMap((env) =>
        env.sync.windows.map((window): SyncWindow => ({ ...window, applications: [environmentAppName(env)] })),
      ),
      orphanedResources: { warn: true },
    },
  });
}

/** The components in the shared platform project: every one without a project of its own. */
export const SHARED_PLATFORM_COMPONENTS = PLATFORM_COMPONENTS.filter((c) => c.project === undefined);

/** The windows of a cluster's manually synced environments, for the platform Applications named. */
function platformWindows(cluster: string, environments: readonly Environment[], components: readonly PlatformComponent[]): SyncWindow[] {
  if (!isManualCluster(cluster, environments)) return [];
  const applications = components.map((c) => platformAppName(c.name, cluster));
  return dedupeWindows(environments.flatMap((env) => env.sync.windows).map((window): SyncWindow => ({ ...window, applications })));
}

/** `environments`: those on this cluster. */
export function platformProject(scope: Construct, cluster: string, environments: readonly Environment[], repo: RepositoryInfo): AppProject {
  const destinations: Destination[] = [
    ...SHARED_PLATFORM_COMPONENTS.map((component) => local(component.namespace)),
    local(PLATFORM_SECRETS_NAMESPACE),
    ...environments.map((env) => local(secretSourceNamespace(env))),
  ];
  return new AppProject(scope, PLATFORM_PROJECT, {
    metadata: projectMetadata(PLATFORM_PROJECT, cluster),
    spec: {
      description: 'The in-cluster platform (certificates, DNS, the Gateway, metrics, logs, policy, secrets): pinned charts plus values from this repository.',
      sourceRepos: [repo.url, ...new Set(SHARED_PLATFORM_COMPONENTS.map((c) => c.repoURL))].sort(),
      destinations: sortDestinations(destinations),
      // Namespaces by name, exactly those it deploys to (which its Applications create and label for Pod Security):
      // never an environment's or kube-system (Argo CD v3.4 IsGroupKindNamePermitted matches a cluster-scoped name).
      clusterResourceWhitelist: [
        ...uniqueKinds(SHARED_PLATFORM_COMPONENTS.flatMap((c) => c.clusterKinds).filter((k) => !isNamespaceKind(k))),
        ...sortDestinations(destinations).map((d) => ({ ...NAMESPACE_KIND, name: d.namespace })),
      ],
      // A cluster hosting a manually synced environment gets that environment's windows for its platform too.
      syncWindows: platformWindows(cluster, environments, SHARED_PLATFORM_COMPONENTS),
      orphanedResources: { warn: false },
    },
  });
}

/** The project of a component that has one: its chart repository and this one, its namespace, exactly the kinds its chart creates. */
export function componentProject(scope: Construct, cluster: string, component: PlatformComponent, environments: readonly Environment[], repo: RepositoryInfo): AppProject {
  const project = component.project!;
  return new AppProject(scope, project.name, {
    metadata: projectMetadata(project.name, cluster),
    spec: {
      description: `${component.name} alone: chart ${component.chart} ${component.version} plus values from this repository, into ${component.namespace}, creating exactly what its chart creates.`,
      sourceRepos: [...new Set([repo.url, component.repoURL])].sort(),
      destinations: [local(component.namespace)],
      clusterResourceWhitelist: uniqueKinds(component.clusterKinds),
      namespaceResourceWhitelist: uniqueKinds(project.namespacedKinds),
      syncWindows: platformWindows(cluster, environments, [component]),
      orphanedResources: { warn: false },
    },
  });
}

export function bootstrapProject(scope: Construct, cluster: string, repo: RepositoryInfo): AppProject {
  return new AppProject(scope, BOOTSTRAP_PROJECT, {
    metadata: projectMetadata(BOOTSTRAP_PROJECT, cluster),
    spec: {
      description: "The root Application: the Applications and AppProjects under argocd/<cluster> of this repository, nothing else.",
      sourceRepos: [repo.url],
      destinations: [local(ARGOCD_NAMESPACE)],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [
        { group: 'argoproj.io', kind: 'AppProject' },
        { group: 'argoproj.io', kind: 'Application' },
      ],
    },
  });
}

const NAMESPACE_KIND: GroupKind = { group: '', kind: 'Namespace' };
const isNamespaceKind = (k: GroupKind) => k.group === NAMESPACE_KIND.group && k.kind === NAMESPACE_KIND.kind;

function sortDestinations(destinations: readonly Destination[]): Destination[] {
  const key = (d: Destination) => `${d.name ?? d.server}/${d.namespace}`;
  const unique = new Map(destinations.map((d) => [key(d), d]));
  return [...unique.keys()].sort().map((k) => unique.get(k)!);
}

function uniqueKinds(kinds: readonly GroupKind[]): GroupKind[] {
  const unique = new Map(kinds.map((k) => [`${k.group}/${k.kind}`, k]));
  return [...unique.keys()].sort().map((k) => unique.get(k)!);
}

function dedupeWindows(windows: readonly SyncWindow[]): SyncWindow[] {
  const unique = new Map(windows.map((w) => [JSON.stringify(w), w]));
  return [...unique.values()];
}
