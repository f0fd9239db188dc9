/**
 * Does a fresh cluster converge by itself, and does the root's sync always end?
 * These rules replay what Argo CD (v3.x, gitops-engine's sync context) does with
 * the argocd/<cluster> trees:
 *
 * - Within one sync, a wave starts only when every resource of the waves before
 *   it is Healthy (Degraded fails the sync; Progressing, Missing and Suspended
 *   keep it waiting, without a time limit). The last wave is not waited for.
 * - An Application as a resource has no health unless argocd-cm has a health
 *   customization for argoproj.io/Application; without one, waves between
 *   Applications order only their creation.
 * - A custom resource whose CRD is not installed fails the dry run of the whole
 *   sync, unless the sync skips the dry run for missing resource types.
 * - A failed automated sync is retried `retry.limit` times; after that Argo CD
 *   does not try the same commit again, so only an unlimited retry (limit < 0)
 *   outlasts a dependency that takes long to appear.
 * - PruneLast moves pruning into a wave after the last one.
 */
import type { Manifest } from '../../kube/manifest.ts';
import { groupOf } from '../../kube/object.ts';
import { PLATFORM_COMPONENTS, type PlatformComponent } from '../../catalog/components.ts';
import type { ChartValues } from '../../platform/values.ts';
// From naming.ts, not applications.ts: that one loads the platform's constructs (cdk8s), which a warm check must not.
import { SYNC_STEP_LABEL } from '../../argocd/naming.ts';
import { type Report, type RepositoryCheck, type RepositoryRules, type RepositoryView, rule } from '../check.ts';
import { asArray, asObject, asStringMap, isObject } from '../workloads.ts';
import { hasSyncOption, syncOptionsOf } from '../argo.ts';

const ARGOCD = 'argocd';
const CLUSTER_LABEL = 'hivebox.dev/cluster';
const WAVE = 'argocd.argoproj.io/sync-wave';
const HEALTH_KEY = 'resource.customizations.health.argoproj.io_Application';
const ARGO_CD_COMPONENT = 'argo-cd';
const ARGOPROJ = 'argoproj.io';

export interface App {
  readonly manifest: Manifest;
  readonly name: string;
  readonly cluster: string;
  readonly wave: number;
  readonly automated: boolean;
  /** The runbook's sync step (SYNC_STEP_LABEL): the order a person syncs a manual cluster in, each step healthy first. */
  readonly step: number | undefined;
  readonly spec: Record<string, unknown>;
  readonly sources: readonly Record<string, unknown>[];
}

/** Every Application of the argocd/ scope, as these rules (and platform-pod-security) read it. */
export function applicationsOf(repository: Pick<RepositoryView, 'scopes'>): App[] {
  const scope = repository.scopes.get(ARGOCD);
  if (!scope) return [];
  return scope.manifests
    .filter((m) => m.kind === 'Application' && String(m.apiVersion).startsWith('argoproj.io/'))
    .map((manifest) => {
      const spec = asObject(manifest.spec);
      const destination = asObject(spec.destination);
      const automated = asObject(spec.syncPolicy).automated;
      return {
        manifest,
        name: manifest.metadata.name,
        cluster: asStringMap(manifest.metadata.labels)[CLUSTER_LABEL] ?? String(destination.name ?? 'in-cluster'),
        wave: Number(asStringMap(manifest.metadata.annotations)[WAVE] ?? 0) || 0,
        // Argo CD 3.x: `automated: { enabled: false }` switches it off while keeping the settings.
        automated: isObject(automated) && automated.enabled !== false,
        step: stepOf(manifest),
        spec,
        sources: (spec.sources !== undefined ? asArray(spec.sources) : [spec.source]).filter(isObject),
      };
    });
}

function stepOf(manifest: Manifest): number | undefined {
  const step = asStringMap(manifest.metadata.labels)[SYNC_STEP_LABEL];
  return step === undefined ? undefined : Number(step);
}

/** Each cluster's root: the Application that deploys argocd/<cluster>. */
function rootOf(apps: readonly App[], cluster: string): App | undefined {
  return apps.find((app) => app.cluster === cluster && app.sources.some((s) => s.path === `${ARGOCD}/${cluster}`));
}

/** Whether the cluster's Argo CD (its argo-cd chart values) assesses Application health. */
export function assessesApplicationHealth(chartValues: readonly ChartValues[], cluster: string): boolean {
  const values = chartValues.find((v) => v.component === ARGO_CD_COMPONENT && v.cluster === cluster)?.values;
  const script = asObject(asObject(values?.configs).cm)[HEALTH_KEY];
  return typeof script === 'string' && script.includes('obj.status.health');
}

function clustersOf(apps: readonly App[]): string[] {
  return [...new Set(apps.map((a) => a.cluster))].sort();
}

/** Waves between child Applications wait for health only where Argo CD assesses it; the root's sync must end. */
export const convergenceWavesCheck: RepositoryCheck = (repository, reportIn) => {
  const apps = applicationsOf(repository);
  if (apps.length === 0) return;
  const report = reportIn(ARGOCD);
  for (const cluster of clustersOf(apps)) {
    const root = rootOf(apps, cluster);
    if (!root) continue;
    const children = apps.filter((a) => a.cluster === cluster);
    const waves = [...new Set(children.map((a) => a.wave))].sort((a, b) => a - b);
    const last = waves[waves.length - 1]!;
    if (waves.length > 1 && !assessesApplicationHealth(repository.chartValues, cluster)) {
      report(
        'convergence-waves',
        root.manifest,
        'spec.source.path',
        `the Applications of ${ARGOCD}/${cluster} use sync waves ${waves.join(', ')}, but that cluster's Argo CD assesses no Application health (configs.cm["${HEALTH_KEY}"] in charts/${ARGO_CD_COMPONENT}), so the waves order only their creation`,
      );
    }
    for (const app of children) {
      const waitsForAPerson = !app.automated;
      const isRoot = app === root;
      if ((waitsForAPerson || isRoot) && app.wave !== last) {
        report(
          'convergence-waves',
          app.manifest,
          `metadata.annotations["${WAVE}"]`,
          `${isRoot ? 'the root itself' : `${app.name} is synced only by a person, and`} is in wave ${app.wave}, before wave ${last}: the root's sync would wait for its health ${isRoot ? 'while it is still syncing' : 'until someone syncs it'}; put it in the last wave`,
        );
      }
    }
    if (hasSyncOption(syncOptionsOf(root.spec), 'PruneLast', 'true')) {
      report(
        'convergence-waves',
        root.manifest,
        'spec.syncPolicy.syncOptions',
        `PruneLast makes pruning a wave after wave ${last}, so the root would wait for the health of its last wave, where the Applications only a person syncs are`,
      );
    }
  }
};

export const convergenceWavesRules: RepositoryRules = {
  rules: [
    rule(
      'convergence-waves',
      'reliability',
      "Sync waves between Applications wait for health (Argo CD assesses it), and every root's sync ends",
      "Set the argoproj.io/Application health check in charts/argo-cd (configs.cm), put Applications a person syncs and the root itself in the root's last wave, and drop PruneLast from the root.",
    ),
  ],
  checkRepository: convergenceWavesCheck,
};

/** An automated Application retries without limit, so a dependency that arrives late cannot leave it failed for good. */
export const convergenceRetryCheck: RepositoryCheck = (repository, reportIn) => {
  const apps = applicationsOf(repository);
  if (apps.length === 0) return;
  const report = reportIn(ARGOCD);
  for (const app of apps) {
    if (!app.automated) continue;
    const retry = asObject(asObject(app.spec.syncPolicy).retry);
    const limit = typeof retry.limit === 'number' ? retry.limit : 0;
    if (limit >= 0) {
      report(
        'convergence-retry',
        app.manifest,
        'spec.syncPolicy.retry.limit',
        `${app.name} gives up after ${limit} ${limit === 1 ? 'retry' : 'retries'}; then Argo CD never syncs that commit again, and whatever waits for ${app.name} waits until the next commit`,
      );
    }
  }
};

export const convergenceRetryRules: RepositoryRules = {
  rules: [
    rule(
      'convergence-retry',
      'reliability',
      'Automated Applications retry without limit',
      'Set spec.syncPolicy.retry.limit: -1 (with a backoff): Argo CD never retries a failed commit once the limit is spent.',
    ),
  ],
  checkRepository: convergenceRetryCheck,
};

/**
 * API groups served by Kubernetes itself: no dot (core, apps, batch, autoscaling,
 * policy) or under k8s.io. Every other group is a CRD's.
 */
function isCustomGroup(group: string): boolean {
  return group.includes('.') && !group.endsWith('.k8s.io') && group !== 'k8s.io';
}

/** The catalogue component whose chart an Application installs. */
export function componentOf(app: App): PlatformComponent | undefined {
  return PLATFORM_COMPONENTS.find((c) => app.sources.some((s) => s.chart === c.chart && s.repoURL === c.repoURL));
}

interface CustomResource {
  readonly group: string;
  readonly kind: string;
  /** The rendered object, where this repository renders it (not for what a chart renders). */
  readonly manifest?: Manifest;
  /**
   * A kind the component's running controller watches (catalog `watchedKinds`), not one it creates:
   * without its CRD the controller crash-loops, which no dry-run option helps.
   */
  readonly watched?: boolean;
}

/** The custom resources an Application creates: from its folders, and what its chart renders with our values. */
function customResourcesOf(app: App, folders: RepositoryView['folders']): CustomResource[] {
  const fromFolders = app.sources
    .map((s) => (typeof s.path === 'string' ? folders.get(s.path.replace(/\/$/, '')) : undefined))
    .flatMap((manifests) => manifests ?? [])
    .filter((m) => isCustomGroup(groupOf(String(m.apiVersion))))
    .map((manifest) => ({ group: groupOf(String(manifest.apiVersion)), kind: manifest.kind, manifest }));
  const fromChart = componentOf(app)?.customKinds ?? [];
  const watched = componentOf(app)?.watchedKinds ?? [];
  return [
    ...fromFolders,
    ...fromChart.map((k) => ({ group: k.group, kind: k.kind })),
    ...watched.map((k) => ({ group: k.group, kind: k.kind, watched: true })),
  ];
}

/**
 * Every custom resource either has its CRD from an Application in an earlier
 * wave of a health-assessed tree, or comes from an Application that skips the
 * dry run for missing resource types (and so succeeds on a retry once the CRD exists).
 * A kind a component's controller watches must have its CRD from an earlier wave: no retry helps.
 */
export const convergenceCrdsCheck: RepositoryCheck = (repository, reportIn) => {
  const apps = applicationsOf(repository);
  if (apps.length === 0) return;
  const report = reportIn(ARGOCD);
  for (const app of apps) {
    const own = new Set(componentOf(app)?.crdGroups ?? []);
    const skipsDryRun = hasSyncOption(syncOptionsOf(app.spec), 'SkipDryRunOnMissingResource', 'true');
    const assessed = assessesApplicationHealth(repository.chartValues, app.cluster);
    const seen = new Set<string>();
    for (const resource of customResourcesOf(app, repository.folders)) {
      const key = `${resource.group}/${resource.kind}`;
      // CRDs in the same sync: Argo CD applies them first and skips the dry run of their resources itself.
      // And the Argo CD running a tree serves its own kinds (Application, AppProject) before it syncs anything.
      if (own.has(resource.group) || resource.group === ARGOPROJ || seen.has(key)) continue;
      seen.add(key);
      const providers = apps.filter(
        (p) => p.cluster === app.cluster && p !== app && (componentOf(p)?.crdGroups ?? []).includes(resource.group),
      );
      const where = resource.manifest ? ` (${resource.kind} ${resource.manifest.metadata.name})` : ' (rendered by its chart)';
      const uses = resource.watched ? `watches ${key} (its controller fails without it)` : `creates ${key}${where}`;
      if (providers.length === 0) {
        report(
          'convergence-crds',
          app.manifest,
          'spec',
          `${app.name} ${uses}, but no Application on ${app.cluster} installs the CRDs of ${resource.group}`,
        );
        continue;
      }
      const ordered = providers.some((p) => p.automated && p.wave < app.wave) && assessed;
      if (resource.watched) {
        // Skipping the dry run lets the sync start, but the controller still crash-loops until the CRD
        // exists, so only an earlier wave of a health-assessed tree, or an earlier step of the runbook a
        // person follows on a manual cluster (each step synced and waited healthy), makes it converge.
        const stepBefore =
          !app.automated && app.step !== undefined && providers.some((p) => !p.automated && p.step !== undefined && p.step < app.step!);
        if (!ordered && !stepBefore) {
          report(
            'convergence-crds',
            app.manifest,
            'metadata.annotations["argocd.argoproj.io/sync-wave"]',
            `${app.name} ${uses}, whose CRD ${providers.map((p) => p.name).join(', ')} installs; nothing makes ${app.name} wait for it${assessed ? '' : ' (Application health is not assessed on this cluster)'}, and SkipDryRunOnMissingResource cannot help a running controller: sync ${providers.map((p) => p.name).join(', ')} in an earlier wave of a health-assessed tree (or, synced by hand, an earlier ${SYNC_STEP_LABEL})`,
          );
        }
        continue;
      }
      const resourceSkips =
        resource.manifest !== undefined && hasSyncOption(syncOptionsOf(resource.manifest), 'SkipDryRunOnMissingResource', 'true');
      if (ordered || skipsDryRun || resourceSkips) continue;
      report(
        'convergence-crds',
        app.manifest,
        'spec.syncPolicy.syncOptions',
        `${app.name} ${uses}, whose CRD ${providers.map((p) => p.name).join(', ')} installs; nothing makes ${app.name} wait for it${assessed ? '' : ' (Application health is not assessed on this cluster)'}, so its first sync fails its dry run: sync it in a later wave of a health-assessed tree, or set SkipDryRunOnMissingResource=true`,
      );
    }
  }
};

export const convergenceCrdsRules: RepositoryRules = {
  rules: [
    rule(
      'convergence-crds',
      'reliability',
      'Every custom resource has its CRD from an earlier, health-assessed wave, or its Application skips the dry run for missing types; a kind a controller watches has its CRD from an earlier wave or sync step',
      'Sync the Application after the one installing the CRD (its component lists the custom kinds it needs and watches), or, for a kind it only creates, add SkipDryRunOnMissingResource=true to its sync options.',
    ),
  ],
  checkRepository: convergenceCrdsCheck,
};

/**
 * No single Git change or command deletes the data of a manually synced
 * environment: its Application, Namespace and StatefulSets are pruned or deleted
 * only after a person confirms, and its volumes outlive the StatefulSets.
 */
export const deletionConfirmCheck: RepositoryCheck = (repository, reportIn) => {
  const apps = applicationsOf(repository).filter((app) => !app.automated);
  for (const app of apps) {
    const path = app.sources.map((s) => s.path).find((p): p is string => typeof p === 'string' && p.startsWith('envs/'));
    if (!path) continue;
    const environment = path.slice('envs/'.length).replace(/\/$/, '');
    const guarded = (manifest: Manifest) =>
      hasSyncOption(syncOptionsOf(manifest), 'Prune', 'confirm') && hasSyncOption(syncOptionsOf(manifest), 'Delete', 'confirm');
    const explain = 'set argocd.argoproj.io/sync-options: Prune=confirm,Delete=confirm';
    if (!guarded(app.manifest)) {
      reportIn(ARGOCD)(
        'deletion-confirm',
        app.manifest,
        'metadata.annotations["argocd.argoproj.io/sync-options"]',
        `${app.name} is synced by hand, yet removing it from Git or deleting its root deletes it (and, through its finalizer, ${environment}'s namespace) without a confirmation: ${explain}`,
      );
    }
    const scope = repository.scopes.get(environment);
    if (!scope) continue;
    const report: Report = reportIn(environment);
    for (const manifest of scope.manifests) {
      if ((manifest.kind === 'Namespace' || manifest.kind === 'StatefulSet') && !guarded(manifest)) {
        report(
          'deletion-confirm',
          manifest,
          'metadata.annotations["argocd.argoproj.io/sync-options"]',
          `${manifest.kind} ${manifest.metadata.name} of ${environment} (synced by hand) is deleted without a confirmation: ${explain}`,
        );
      }
      if (manifest.kind === 'StatefulSet') {
        const policy = asObject(asObject(manifest.spec).persistentVolumeClaimRetentionPolicy);
        if (policy.whenDeleted !== 'Retain') {
          report(
            'deletion-confirm',
            manifest,
            'spec.persistentVolumeClaimRetentionPolicy.whenDeleted',
            `deleting StatefulSet ${manifest.metadata.name} of ${environment} deletes its volumes (whenDeleted: ${String(policy.whenDeleted ?? 'Retain')}); set whenDeleted: Retain`,
          );
        }
      }
    }
  }
};

export const deletionConfirmRules: RepositoryRules = {
  rules: [
    rule(
      'deletion-confirm',
      'reliability',
      'A manually synced environment loses no data without a confirmation: its Application, Namespace and StatefulSets need Prune=confirm,Delete=confirm, its volumes outlive the StatefulSets',
      'Annotate with argocd.argoproj.io/sync-options: Prune=confirm,Delete=confirm and set persistentVolumeClaimRetentionPolicy.whenDeleted: Retain (the constructs do this for sync.mode: manual).',
    ),
  ],
  checkRepository: deletionConfirmCheck,
};
