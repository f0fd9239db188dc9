/**
 * Validates the repository as Argo CD will see it: every environment rendered
 * by the pinned kustomize from envs/<env>, plus the argocd/ tree (its root and
 * every kustomization under it that the root does not include).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Environment } from '../config/environment.ts';
import { loadEnvironmentsCached } from '../config/load-cached.ts';
import { InputError } from '../errors.ts';
import { clustersOf } from '../config/clusters.ts';
import { selectEnvironments } from '../config/select.ts';
import { checkWaivedRules } from './rules.ts';
import { PLATFORM_COMPONENTS } from '../catalog/components.ts';
import { loadChartValues, type ChartValues } from '../platform/values.ts';
import { kustomizeBuildAll } from '../toolchain/batch.ts';
import { kustomizeBuild, type KustomizeBuild } from '../toolchain/kubectl.ts';
import { parseRenderedYamlCached } from '../toolchain/rendered-yaml.ts';
import type { Manifest } from '../kube/manifest.ts';
import { kubernetesMinor } from '../schemas/deprecations.ts';
import { ARGOCD_SCOPE } from './check.ts';
import { DEFAULT_KUBERNETES_VERSION, validateManifests } from './engine.ts';
import { argocdRoots } from './argocd-roots.ts';
import { SourceIndex, type ParseCache } from './sources.ts';
import { SettingLocator, SettingSources } from '../sources/locate.ts';
import type { ParityPair, ScopeInput, ValidationReport } from './types.ts';
import { isObject } from './workloads.ts';

export { ARGOCD_SCOPE };

export interface ValidateRepositoryOptions {
  readonly root: string;
  /** Only these environments; default all. */
  readonly envs?: readonly string[];
  /**
   * Whether argocd/ is checked too. promote leaves it out: its change is confined
   * to envs/<to>/ (it refuses anything else), which argocd/ does not render.
   * @default true
   */
  readonly argocd?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How overlays are rendered; default: the pinned kustomize, every time. */
  readonly build?: KustomizeBuild;
  /** Today, YYYY-MM-DD (UTC), for waiver expiry; default: the system clock's. */
  readonly today?: string;
}

export async function validateRepository(options: ValidateRepositoryOptions): Promise<ValidationReport> {
  const root = resolve(options.root);
  const all = await loadEnvironmentsCached(root);
  all.forEach(checkWaivedRules);
  const cache: ParseCache = new Map();
  const selected = selectEnvironments(all, options.envs ?? []);
  const build: KustomizeBuild =
    options.build ??
    Object.assign((dir: string) => kustomizeBuild(dir, options.env), {
      all: (dirs: readonly string[]) => kustomizeBuildAll(dirs, options.env),
    });
  const folders = new Map<string, readonly Manifest[]>();
  const [envScopes, argocdScopes] = await Promise.all([
    Promise.all(selected.map((env) => environmentScope(root, env, all, cache, build))),
    options.argocd === false ? [] : argocdScope(root, all, cache, build, folders),
  ]);
  for (const scope of envScopes) folders.set(`envs/${scope.name}`, scope.manifests);
  const isSelected = (name: string) => selected.some((e) => e.name === name);
  const pairs = parityPairs(all);
  return validateManifests({
    scopes: [...envScopes, ...argocdScopes],
    folders,
    parity: pairs.filter((p) => isSelected(p.mirror) && isSelected(p.of)),
    skipped: pairs
      .filter((p) => isSelected(p.mirror) !== isSelected(p.of))
      .map(({ mirror, of }) => {
        const missing = isSelected(mirror) ? of : mirror;
        return {
          rule: 'parity',
          scope: mirror,
          reason: `${mirror} mirrors ${of}, and ${missing} is not in the selection (add --env ${missing})`,
        };
      }),
    chartValues: chartValuesOf(root, all),
    ...(options.today ? { today: options.today } : {}),
  });
}

/** Every platform component's values on every cluster the environments use. */
export function chartValuesOf(root: string, environments: readonly Environment[]): ChartValues[] {
  return clustersOf(environments).flatMap((cluster) =>
    PLATFORM_COMPONENTS.map((component) => loadChartValues(root, component.name, cluster)),
  );
}

/** The last environment of a promotion chain: promoted into, never promoted from (prod). */
function isProduction(env: Environment, all: readonly Environment[]): boolean {
  return env.promotesFrom !== undefined && !all.some((other) => other.promotesFrom === env.name);
}

export function requiresDigest(env: Environment, all: readonly Environment[]): boolean {
  return env.validation?.requireDigest ?? isProduction(env, all);
}

/**
 * Who mirrors whom. validation.mirrors where an environment sets it. Otherwise, for any promotion graph (a chain,
 * a tree, several roots), an environment mirrors the environment it promotes to when it promotes to exactly one
 * and that one is the end of its chain: in dev → staging → prod, staging mirrors prod. One that promotes to several
 * (dev to many preview environments) or to one that promotes further mirrors none by default: either would be a guess.
 */
export function parityPairs(all: readonly Environment[]): ParityPair[] {
  const promotesTo = new Map<string, string[]>();
  for (const env of all) if (env.promotesFrom) promotesTo.set(env.promotesFrom, [...(promotesTo.get(env.promotesFrom) ?? []), env.name]);
  const pairs = all.flatMap((env): ParityPair[] => {
    if (env.validation?.mirrors) return [{ mirror: env.name, of: env.validation.mirrors }];
    const next = promotesTo.get(env.name) ?? [];
    return next.length === 1 && !promotesTo.has(next[0]!) ? [{ mirror: env.name, of: next[0]! }] : [];
  });
  return pairs.sort((a, b) => (a.mirror < b.mirror ? -1 : a.mirror > b.mirror ? 1 : 0));
}

function parseManifests(yaml: string, source: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const value of parseRenderedYamlCached(yaml) ?? parseDocuments(yaml, source)) {
    if (value === null || value === undefined) continue;
    if (!isObject(value)) throw new InputError(source, '', 'expected every rendered document to be a Kubernetes object');
    manifests.push({ ...value, metadata: isObject(value.metadata) ? value.metadata : { name: '' } } as Manifest);
  }
  return manifests;
}

function* parseDocuments(yaml: string, source: string): Generator<unknown> {
  // Only for what js-yaml may read differently (rendered-yaml.ts): the yaml package is loaded then.
  for (const document of (createRequire(import.meta.url)('yaml') as typeof Yaml).parseAllDocuments(yaml)) {
    if (document.errors.length > 0)
      throw new InputError(source, '', `kustomize printed YAML that does not parse: ${document.errors[0]!.message}`);
    yield document.toJS();
  }
}

async function render(root: string, dir: string, build: KustomizeBuild, output = build(join(root, dir))): Promise<Manifest[]> {
  try {
    return parseManifests(await output, dir);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${dir}/kustomization.yaml`, '', (error as Error).message);
  }
}

async function environmentScope(
  root: string,
  env: Environment,
  all: readonly Environment[],
  cache: ParseCache,
  build: KustomizeBuild,
): Promise<ScopeInput> {
  const dir = `envs/${env.name}`;
  if (!existsSync(join(root, dir, 'kustomization.yaml')))
    throw new InputError(`${dir}/kustomization.yaml`, '', 'missing: run `npm run synth` to generate the overlay');
  const manifests = await render(root, dir, build);
  const sources = new SourceIndex(root, cache)
    .addDefinitions(join(root, 'base'))
    .addDefinitions(join(root, dir))
    .addPatches(join(root, dir));
  const locator = new SettingLocator(root, env.file);
  const settings = new SettingSources(root, env.name, locator);
  return {
    name: env.name,
    file: env.file,
    kubernetesVersion: env.kubernetesVersion,
    requireDigest: requiresDigest(env, all),
    manifests,
    locate: (manifest, path) => sources.locate(manifest, path),
    settings: (resource, path) => settings.of(resource, path),
    waivers: env.waivers.map((waiver, index) => {
      const path = `waivers[${index}]`;
      const { file, line } = locator.locate(path);
      return { ...waiver, path, location: { file, ...(line ? { line } : {}) } };
    }),
  };
}

async function argocdScope(
  root: string,
  all: readonly Environment[],
  cache: ParseCache,
  build: KustomizeBuild,
  folders: Map<string, readonly Manifest[]>,
): Promise<ScopeInput[]> {
  if (!existsSync(join(root, ARGOCD_SCOPE))) return [];
  const dirs = argocdRoots(root);
  // Each cluster's root and the platform folders: small, plain trees that kustomize can render a few at a time.
  const outputs = build.all ? build.all(dirs) : dirs.map((dir) => build(dir));
  const rendered = await Promise.all(dirs.map((dir, i) => render(root, dir.slice(root.length + 1), build, outputs[i])));
  dirs.forEach((dir, i) =>
    folders.set(
      dir
        .slice(root.length + 1)
        .split('\\')
        .join('/'),
      rendered[i]!,
    ),
  );
  const owner = new Map<Manifest, SourceIndex>();
  const excluded = new Set(dirs);
  dirs.forEach((dir, i) => {
    excluded.delete(dir);
    const index = new SourceIndex(root, cache).addDefinitions(dir, excluded);
    excluded.add(dir);
    for (const manifest of rendered[i]!) owner.set(manifest, index);
  });
  // Argo CD and the platform serve every environment's cluster: check against the oldest target.
  const oldest =
    all.map((e) => e.kubernetesVersion).sort((a, b) => kubernetesMinor(a) - kubernetesMinor(b))[0] ?? DEFAULT_KUBERNETES_VERSION;
  return [
    {
      name: ARGOCD_SCOPE,
      file: `${ARGOCD_SCOPE}/kustomization.yaml`,
      kubernetesVersion: oldest,
      manifests: rendered.flat(),
      locate: (manifest, path) => owner.get(manifest)?.locate(manifest, path),
    },
  ];
}
