/**
 * Writes an environment as the difference between its manifests and the
 * base's, in the terms a reviewer knows from Kustomize:
 *   - `namespace:` and `images:` for the two differences every environment has;
 *   - one RFC 6902 patch file per resource for everything else, computed from
 *     the two renders, so it says exactly what differs and nothing more;
 *   - a delete patch for a base resource the environment does not run (an
 *     external Valkey, say), and a resource file for one only it runs.
 * The tests render each overlay with real kustomize and compare it with the
 * constructs' own output for the environment.
 */
import jsonPatch, { type Operation } from 'fast-json-patch';
import type { Environment } from '../config/environment.ts';
import { resourceKey } from './render.ts';
import type { GeneratedFile } from '../kube/generated-file.ts';
import type { Manifest } from '../kube/manifest.ts';
import { CORE_GROUP, groupOf, parseApiVersion } from '../kube/object.ts';
import { formatImageReference, sameImageReference, tryParseImageReference } from '../kube/image.ts';
import { generatedYaml } from '../kube/yaml.ts';

export interface OverlayInput {
  readonly environment: Environment;
  readonly base: readonly Manifest[];
  readonly baseEnvironment: Environment;
  readonly manifests: readonly Manifest[];
  /**
   * The hand-written Kustomize Component the overlay includes (custom.ts), relative to the overlay.
   * @default none
   */
  readonly component?: string;
}

interface KustomizeImage {
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
}

interface PatchEntry {
  readonly path: string;
  readonly target: { readonly group?: string; readonly version: string; readonly kind: string; readonly name: string };
}

export function renderOverlay(input: OverlayInput): GeneratedFile[] {
  const { environment } = input;
  const dir = `envs/${environment.name}`;
  const from = environment.file;
  const image = imageTransform(input.baseEnvironment, environment);
  // Keyed after the transformers, so the base's Namespace meets the environment's under its new name.
  const transformedBase = new Map(
    input.base.map((original) => {
      const transformed = applyKustomizeTransformers(original, environment.namespace, image);
      return [resourceKey(transformed), { original, transformed }] as const;
    }),
  );
  const wanted = new Map(input.manifests.map((m) => [resourceKey(m), m]));

  const files: GeneratedFile[] = [];
  const patches: PatchEntry[] = [];
  const extraResources: string[] = [];

  for (const [key, { original, transformed: baseManifest }] of transformedBase) {
    // kustomize applies patches before `namespace:`, so a target names the resource as the base does.
    const target = patchTarget(original);
    const fileName = `patches/${fileStem(original)}.yaml`;
    const manifest = wanted.get(key);
    if (!manifest) {
      files.push({ path: `${dir}/${fileName}`, content: generatedYaml(from, [deletePatch(baseManifest)]) });
      patches.push({ path: fileName, target });
      continue;
    }
    const operations = jsonPatch.compare(baseManifest, manifest);
    if (operations.length > 0) {
      files.push({ path: `${dir}/${fileName}`, content: generatedYaml(from, [operations.map(plainOperation)]) });
      patches.push({ path: fileName, target });
    }
  }
  for (const [key, manifest] of wanted) {
    if (transformedBase.has(key)) continue;
    const fileName = `resources/${fileStem(manifest)}.yaml`;
    files.push({ path: `${dir}/${fileName}`, content: generatedYaml(from, [manifest]) });
    extraResources.push(fileName);
  }

  const kustomization: Record<string, unknown> = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['../../base', ...extraResources],
    namespace: environment.namespace,
  };
  if (image) kustomization.images = [image];
  if (patches.length > 0) kustomization.patches = patches.sort((a, b) => (a.path < b.path ? -1 : 1));
  if (input.component) kustomization.components = [input.component];
  const kustomizationFrom = input.component ? `${from} and ${dir}/${input.component}/` : from;
  files.push({ path: `${dir}/kustomization.yaml`, content: generatedYaml(kustomizationFrom, [kustomization]) });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The base as the overlay's `namespace:` and `images:` leave it, before any patch. */
function applyKustomizeTransformers(manifest: Manifest, namespace: string, image: KustomizeImage | undefined): Manifest {
  const copy = structuredClone(manifest) as Manifest & { metadata: { name: string; namespace?: string } };
  if (copy.kind === 'Namespace') {
    // kustomize renames Namespace objects to the overlay's namespace.
    copy.metadata.name = namespace;
  } else if (copy.metadata.namespace !== undefined) {
    copy.metadata.namespace = namespace;
  }
  if (image) {
    for (const container of podContainers(copy)) {
      if (imageName(container.image) === image.name) container.image = transformedImage(image);
    }
  }
  return copy;
}

function podContainers(manifest: Manifest): { image: string }[] {
  const spec = (manifest as { spec?: { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } }).spec;
  const podSpec = spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
  return [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])];
}
interface PodSpec {
  containers?: { image: string }[];
  initContainers?: { image: string }[];
}

function imageName(reference: string): string | undefined {
  return tryParseImageReference(reference)?.repository;
}

function transformedImage(image: KustomizeImage): string {
  return formatImageReference({ repository: image.newName ?? image.name, tag: image.newTag, digest: image.digest });
}

/** The `images:` entry that turns the base's image into the environment's, if they differ. */
function imageTransform(base: Environment, environment: Environment): KustomizeImage | undefined {
  const from = base.image;
  const to = environment.image;
  if (sameImageReference(from, to)) return undefined;
  return {
    name: from.repository,
    ...(to.repository !== from.repository ? { newName: to.repository } : {}),
    ...(to.tag ? { newTag: to.tag } : {}),
    ...(to.digest ? { digest: to.digest } : {}),
  };
}

function patchTarget(manifest: Manifest): PatchEntry['target'] {
  // kustomize's patch target leaves `group` out for the core group.
  const { group, version } = parseApiVersion(manifest.apiVersion) ?? { group: groupOf(manifest.apiVersion), version: '' };
  return { ...(group !== CORE_GROUP ? { group } : {}), version, kind: manifest.kind, name: manifest.metadata.name };
}

function deletePatch(manifest: Manifest): Record<string, unknown> {
  return { $patch: 'delete', apiVersion: manifest.apiVersion, kind: manifest.kind, metadata: { name: manifest.metadata.name } };
}

function fileStem(manifest: Manifest): string {
  return `${manifest.kind.toLowerCase()}-${manifest.metadata.name}`;
}

/** fast-json-patch operations as plain objects, in the field order of RFC 6902 examples. */
function plainOperation(operation: Operation): Record<string, unknown> {
  const { op, path } = operation;
  return 'value' in operation ? { op, path, value: operation.value } : { op, path };
}
