/**
 * Synthesizes argocd/: one tree per cluster, each deployed by that cluster's own
 * Argo CD (which manages only its own cluster), laid out so a reader sees its parts.
 *
 *   argocd/<cluster>/kustomization.yaml           what the cluster's root Application deploys (all of the below)
 *   argocd/<cluster>/bootstrap/                   its bootstrap project and root Application (`kubectl apply -k`)
 *   argocd/<cluster>/bootstrap/namespace/         Argo CD's namespace, labelled for Pod Security, applied before Argo CD is installed
 *   argocd/<cluster>/projects/<project>.yaml      the hivebox, platform and argocd (Argo CD's own) AppProjects
 *   argocd/<cluster>/apps/hivebox-<env>.yaml      one Application per environment on the cluster → envs/<env>
 *   argocd/<cluster>/platform/<c>.yaml            one Application per platform component
 *   argocd/<cluster>/platform/<c>/                the manifests that Application adds to the chart
 */
import { App, Chart } from 'cdk8s';
import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../config/environment.ts';
import { clusterConfig } from '../platform/cluster-config.ts';
import { ARGOCD_NAMESPACE, PLATFORM_COMPONENTS } from '../catalog/components.ts';
import { namespacePodSecurity, podSecurityLabels } from '../catalog/pod-security.ts';
import type { RepositoryInfo } from '../config/repository.ts';
import type { GeneratedFile } from '../kube/generated-file.ts';
import { generatedYaml } from '../kube/yaml.ts';
import { clusterDir, environmentApplication, platformApplication, rootApplication } from './applications.ts';
import { clustersOf, isManualCluster } from '../config/clusters.ts';
import { CLUSTER_LABEL, environmentAppName } from './naming.ts';
import { bootstrapProject, componentProject, hiveboxProject, platformProject } from './projects.ts';
import { groupKindOf } from '../kube/object.ts';
import { crdProviders, platformSteps, type ComponentNeeds } from './steps.ts';

const SOURCE = 'src/argocd';
const KUSTOMIZATION = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

/** An argocd/ file with the objects it was written from, so synth's readers need not parse it back. */
export interface ArgoCdFile extends GeneratedFile {
  readonly documents: readonly unknown[];
}

export function synthesizeArgoCd(environments: readonly Environment[], repo: RepositoryInfo): ArgoCdFile[] {
  const envs = [...environments].sort((a, b) => a.name.localeCompare(b.name));
  const files = clustersOf(envs).flatMap((cluster) => clusterTree(cluster, envs, repo));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function clusterTree(cluster: string, all: readonly Environment[], repo: RepositoryInfo): ArgoCdFile[] {
  const envs = all.filter((env) => env.cluster === cluster);
  const dir = clusterDir(cluster);
  // Every environment on the cluster, named by a pattern rather than a list: adding an environment changes
  // the files it changes, not the header of every file that reads the cluster's environments.
  const envFiles = `envs/*/env.yaml (cluster: ${cluster})`;
  const files: ArgoCdFile[] = [];
  const add = (path: string, from: string, documents: readonly unknown[]) =>
    files.push({ path: `${dir}/${path}`, content: generatedYaml(from, documents), documents });
  const resources: string[] = [];

  const config = clusterConfig(cluster, envs);
  const needs: ComponentNeeds[] = PLATFORM_COMPONENTS.map((component) => ({ component, extraKinds: (config.get(component.name) ?? []).map(groupKindOf) }));
  const steps = platformSteps(needs);
  // Everything nothing else waits for shares the last wave: the environments, whatever a person syncs, the root.
  const lastStep = Math.max(0, ...steps.values()) + 1;
  const manual = isManualCluster(cluster, envs);

  add('bootstrap/project.yaml', SOURCE, [one((scope) => bootstrapProject(scope, cluster, repo))]);
  add('bootstrap/root.yaml', SOURCE, [one((scope) => rootApplication(scope, cluster, repo, { wave: lastStep, step: lastStep }))]);
  add('bootstrap/kustomization.yaml', SOURCE, [{ ...KUSTOMIZATION, resources: ['project.yaml', 'root.yaml'] }]);
  resources.push('bootstrap');
  // Not part of the root (its project may create no Namespace): the runbook applies it before installing Argo CD.
  add('bootstrap/namespace/namespace.yaml', `${SOURCE} and src/catalog`, [argocdNamespace(cluster)]);
  add('bootstrap/namespace/kustomization.yaml', SOURCE, [{ ...KUSTOMIZATION, resources: ['namespace.yaml'] }]);

  add('projects/hivebox.yaml', `${SOURCE} and ${envFiles}`, [one((scope) => hiveboxProject(scope, cluster, envs, repo))]);
  add('projects/platform.yaml', `${SOURCE} and ${envFiles}`, [one((scope) => platformProject(scope, cluster, envs, repo))]);
  resources.push('projects/hivebox.yaml', 'projects/platform.yaml');
  for (const component of PLATFORM_COMPONENTS.filter((c) => c.project)) {
    const path = `projects/${component.project!.name}.yaml`;
    add(path, `${SOURCE}, src/platform and ${envFiles}`, [one((scope) => componentProject(scope, cluster, component, envs, repo))]);
    resources.push(path);
  }

  for (const env of envs) {
    const path = `apps/${environmentAppName(env)}.yaml`;
    add(path, env.file, [one((scope) => environmentApplication(scope, env, repo, { wave: lastStep, step: lastStep }))]);
    resources.push(path);
  }

  const from = `${SOURCE}, src/platform and ${envFiles}`;
  for (const need of needs) {
    const { component } = need;
    const base = `platform/${component.name}`;
    const manifests = config.get(component.name);
    if (manifests) {
      add(`${base}/manifests.yaml`, from, manifests);
      add(`${base}/kustomization.yaml`, from, [{ ...KUSTOMIZATION, resources: ['manifests.yaml'] }]);
    }
    const step = steps.get(component.name)!;
    const position = { step, wave: manual ? lastStep : step };
    const application = one((scope) =>
      platformApplication(scope, {
        component,
        cluster,
        environments: envs,
        repo,
        position,
        configPath: manifests ? `${dir}/${base}` : undefined,
        needsOtherCrds: crdProviders(need, PLATFORM_COMPONENTS).length > 0,
      }),
    );
    add(`${base}.yaml`, from, [application]);
    resources.push(`${base}.yaml`);
  }

  add('kustomization.yaml', SOURCE, [{ ...KUSTOMIZATION, resources }]);
  return files;
}

/** Argo CD's namespace, enforcing the Pod Security level the catalogue gives its component. */
function argocdNamespace(cluster: string): unknown {
  const labels = { [CLUSTER_LABEL]: cluster, ...podSecurityLabels(namespacePodSecurity(ARGOCD_NAMESPACE)!.level) };
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGOCD_NAMESPACE, labels } };
}

/** Renders one construct on its own to its JSON manifest (cdk8s sorts keys, so output is stable). */
function one(build: (scope: Construct) => ApiObject): unknown {
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  const chart = new Chart(app, 'argocd', { disableResourceNameHashes: true });
  return build(chart).toJson();
}
