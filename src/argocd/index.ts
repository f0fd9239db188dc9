/**
 * Placeholder until the Argo CD constructs land: one Application per environment.
 */
import type { Environment } from '../config/environment.ts';
import type { RepositoryInfo } from '../synth/repository.ts';
import type { GeneratedFile } from '../synth/types.ts';
import { generatedYaml } from '../synth/yaml.ts';

export function synthesizeArgoCd(environments: readonly Environment[], repo: RepositoryInfo): GeneratedFile[] {
  return environments.map((env) => ({
    path: `argocd/apps/hivebox-${env.name}.yaml`,
    content: generatedYaml(env.file, [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: `hivebox-${env.name}`, namespace: 'argocd' },
        spec: {
          project: 'hivebox',
          source: { repoURL: repo.url, targetRevision: repo.revision, path: `envs/${env.name}` },
          destination: { name: env.cluster, namespace: env.namespace },
        },
      },
    ]),
  }));
}
