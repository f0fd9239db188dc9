/**
 * Renders one side of a diff: every `envs/<env>` overlay with real kustomize (the
 * rendering Argo CD performs) and the plain manifests of the `argocd/` tree.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError } from '../errors.ts';
import { kustomizeBuild, kustomizeConcurrency, type KustomizeBuild } from '../toolchain/kubectl.ts';
import {
  parseDocuments,
  parseKustomizeOutput,
  resourceKey,
  resourcesOf,
  toResourceSet,
  type RenderedResource,
  type ResourceSet,
} from './resources.ts';
import { recalled, remember, treeKey, type TreeFile } from './tree-cache.ts';

/** The section name of the Argo CD tree in a diff, next to the environments. */
export const ARGOCD_SECTION = 'argocd/';
/**
 * Helm values the platform Applications read through `$values`: no kustomize renders
 * them, but a change there changes the clusters, so each file is compared as text.
 */
export const CHARTS_SECTION = 'charts/';
/** Sections that are folders of the repository rather than environments. */
export const TREE_SECTIONS = [ARGOCD_SECTION, CHARTS_SECTION] as const;

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Environment names on this side: the folders under envs/ that hold a kustomization. */
export function discoverEnvironments(dir: string, sideLabel: string): string[] {
  const envsDir = join(dir, 'envs');
  if (!existsSync(envsDir)) return [];
  const names: string[] = [];
  for (const entry of readdirSync(envsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const envDir = join(envsDir, entry.name);
    if (KUSTOMIZATION_FILES.some((file) => existsSync(join(envDir, file)))) {
      names.push(entry.name);
    } else if (existsSync(join(envDir, 'env.yaml'))) {
      throw new InputError(
        `${sideLabel}: envs/${entry.name}/kustomization.yaml`,
        '',
        'missing: the environment has an env.yaml but no generated overlay; run `npm run synth` and commit the result',
      );
    }
  }
  return names.sort();
}

export type RenderedSide = ReadonlyMap<string, ResourceSet>;

/** A task that renders one section of one side. */
export interface RenderTask {
  readonly dir: string;
  readonly section: string;
  /** The side, for error messages: `main (1a2b3c4)`, `working tree`. */
  readonly label: string;
}

/** Renders each task, `concurrency` kustomize processes at a time, in the order given. */
export async function renderSections(
  tasks: readonly RenderTask[],
  concurrency = defaultConcurrency(),
  build: KustomizeBuild = (dir) => kustomizeBuild(dir),
): Promise<ResourceSet[]> {
  const results: ResourceSet[] = new Array<ResourceSet>(tasks.length);
  // Both sides of a diff mostly hold the same argocd/ files: each distinct file is parsed once.
  const parsed: ParsedFiles = new Map();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index]!;
      results[index] = await renderSection(task, build, parsed);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}

/** kustomize processes at a time: one per core (toolchain/kubectl.ts holds every process to it too). */
export function defaultConcurrency(): number {
  return kustomizeConcurrency();
}

/** A file's parsed documents and resources, by its path and content. */
type ParsedFiles = Map<string, { readonly values: unknown[]; readonly resources: RenderedResource[] }>;

async function renderSection({ dir, section, label }: RenderTask, build: KustomizeBuild, parsed: ParsedFiles): Promise<ResourceSet> {
  if (section === ARGOCD_SECTION) return readArgoCdTree(dir, parsed);
  if (section === CHARTS_SECTION) return readChartsTree(dir);
  let output: string;
  try {
    output = await build(join(dir, 'envs', section));
  } catch (error) {
    // The overlay on that side does not build: name the side and the overlay, not the temp dir.
    const message = (error as Error).message.split(dir).join('.');
    throw new InputError(`${label}: envs/${section}`, '', message);
  }
  return toResourceSet(parseKustomizeOutput(output, `kustomize build envs/${section}`));
}

/** Every manifest under argocd/, read as committed (the root Application applies them as they are). */
export function readArgoCdTree(dir: string, parsed: ParsedFiles = new Map()): ResourceSet {
  const files = yamlFiles(join(dir, 'argocd')).map((file) => ({
    path: relative(dir, file).split('\\').join('/'),
    text: readFileSync(file, 'utf8'),
  }));
  const keyOf = ({ path, text }: TreeFile): string => `${path}\0${text}`;
  if (files.some((file) => !parsed.has(keyOf(file)))) {
    // Parsed in an earlier run (tree-cache.ts), else now, in order, so the first file that does not parse is the one named.
    const tree = treeKey(files);
    const earlier = tree === undefined ? undefined : recalled(tree);
    for (const file of files) {
      if (parsed.has(keyOf(file))) continue;
      const values = earlier?.get(file.path) ?? parseDocuments(file.text, file.path);
      parsed.set(keyOf(file), { values, resources: resourcesOf(values, file.path) });
    }
    if (tree !== undefined && earlier === undefined)
      remember(tree, new Map(files.map((file) => [file.path, parsed.get(keyOf(file))!.values])));
  }
  return toResourceSet(files.flatMap((file) => parsed.get(keyOf(file))!.resources));
}

/** Every file under charts/, one entry per file, compared as text. */
export function readChartsTree(dir: string): ResourceSet {
  return toResourceSet(
    allFiles(join(dir, 'charts')).map((file) => {
      const path = relative(dir, file).split('\\').join('/');
      const id = { group: '', kind: 'File', namespace: '', name: path };
      const content = readFileSync(file, 'utf8');
      return { id, key: resourceKey(id), yaml: content.endsWith('\n') || content === '' ? content : `${content}\n` };
    }),
  );
}

/** Whether a folder section (argocd/, charts/) exists on this side. */
export function hasTree(dir: string, section: string): boolean {
  return existsSync(join(dir, section));
}

function yamlFiles(dir: string): string[] {
  return allFiles(dir).filter((path) => {
    const name = path.split(/[\\/]/).pop()!;
    return /\.ya?ml$/.test(name) && !KUSTOMIZATION_FILES.includes(name);
  });
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...allFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
