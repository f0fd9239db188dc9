/**
 * Synthesizes argocd/: what Argo CD deploys, laid out so a reader sees its parts.
 *
 *   argocd/kustomization.yaml             what the root Application deploys (all of the below)
 *   argocd/bootstrap/                     the bootstrap project and the root Application (`kubectl apply -k`)
 *   argocd/projects/<project>.yaml        the hivebox and platform AppProjects
 *   argocd/apps/hivebox-<env>.yaml        one Application per environment → envs/<env>
 *   argocd/platform/<cluster>/<c>.yaml    one Application per platform component and cluster
 *   argocd/platform/<cluster>/<c>/        the manifests that Application adds to the chart
 */
import { App, Chart } from 'cdk8s';
import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../config/environment.ts';
import { clusterConfig } from '../platform/cluster-config.ts';
import { PLATFORM_COMPONENTS } from '../platform/components.ts';
import type { RepositoryInfo } from '../synth/repository.ts';
import type { GeneratedFile } from '../synth/types.ts';
import { generatedYaml } from '../synth/yaml.ts';
import { ARGOCD_DIR, environmentApplication, platformApplication, rootApplication } from './applications.ts';
import { clustersOf, environmentAppName } from './naming.ts';
import { bootstrapProject, hiveboxProject, platformProject } from './projects.ts';

const SOURCE = 'src/argocd';
const KUSTOMIZATION = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

export function synthesizeArgoCd(environments: readonly Environment[], repo: RepositoryInfo): GeneratedFile[] {
  const envs = [...environments].sort((a, b) => a.name.localeCompare(b.name));
  const envFiles = envs.map((env) => env.file).join(', ');
  const files: GeneratedFile[] = [];
  const add = (path: string, from: string, docs: readonly unknown[]) => files.push({ path: `${ARGOCD_DIR}/${path}`, content: generatedYaml(from, docs) });
  const resources: string[] = [];

  add('bootstrap/project.yaml', SOURCE, [one((scope) => bootstrapProject(scope, repo))]);
  add('bootstrap/root.yaml', SOURCE, [one((scope) => rootApplication(scope, repo))]);
  add('bootstrap/kustomization.yaml', SOURCE, [{ ...KUSTOMIZATION, resources: ['project.yaml', 'root.yaml'] }]);
  resources.push('bootstrap');

  add('projects/hivebox.yaml', `${SOURCE} and ${envFiles}`, [one((scope) => hiveboxProject(scope, envs, repo))]);
  add('projects/platform.yaml', `${SOURCE} and ${envFiles}`, [one((scope) => platformProject(scope, envs, repo))]);
  resources.push('projects/hivebox.yaml', 'projects/platform.yaml');

  for (const env of envs) {
    const path = `apps/${environmentAppName(env)}.yaml`;
    add(path, env.file, [one((scope) => environmentApplication(scope, env, repo))]);
    resources.push(path);
  }

  for (const cluster of clustersOf(envs)) {
    const config = clusterConfig(cluster, envs);
    const from = `${SOURCE}, src/platform and ${envs.filter((env) => env.cluster === cluster).map((env) => env.file).join(', ')}`;
    for (const component of PLATFORM_COMPONENTS) {
      const base = `platform/${cluster}/${component.name}`;
      const manifests = config.get(component.name);
      if (manifests) {
        add(`${base}/manifests.yaml`, from, manifests);
        add(`${base}/kustomization.yaml`, from, [{ ...KUSTOMIZATION, resources: ['manifests.yaml'] }]);
      }
      const configPath = manifests ? `${ARGOCD_DIR}/${base}` : undefined;
      add(`${base}.yaml`, from, [one((scope) => platformApplication(scope, { component, cluster, environments: envs, repo, configPath }))]);
      resources.push(`${base}.yaml`);
    }
  }

  add('kustomization.yaml', SOURCE, [{ ...KUSTOMIZATION, resources }]);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Renders one construct on its own to its JSON manifest (cdk8s sorts keys, so output is stable). */
function one(build: (scope: Construct) => ApiObject): unknown {
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  const chart = new Chart(app, 'argocd', { disableResourceNameHashes: true });
  return build(chart).toJson();
}
