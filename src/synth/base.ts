/**
 * The shared base: the constructs rendered with the defaults alone, one file
 * per resource, and the kustomization that lists them.
 */
import type { GeneratedFile } from '../kube/generated-file.ts';
import type { Manifest } from '../kube/manifest.ts';
import { generatedYaml } from '../kube/yaml.ts';

const FROM = 'src/constructs with the defaults in src/config/schema.ts';

export function renderBase(manifests: readonly Manifest[]): GeneratedFile[] {
  const files = manifests.map((manifest) => ({
    path: `base/${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`,
    content: generatedYaml(FROM, [manifest]),
  }));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: files.map((file) => file.path.slice('base/'.length)).sort(),
  };
  return [...files, { path: 'base/kustomization.yaml', content: generatedYaml(FROM, [kustomization]) }].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
}
