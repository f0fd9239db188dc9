/**
 * What `validate` sees of this repository, built in memory from the constructs (no kustomize): the argocd/
 * scope, every folder an Application points at, and each environment's manifests, as mutable YAML for
 * tests that break one thing. Shared by the repository-wide rule tests.
 */
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { synthesizeArgoCd } from '../../src/argocd/index.ts';
import { loadEnvironments } from '../../src/config/load.ts';
import type { ChartValues } from '../../src/platform/values.ts';
import { renderEnvironment } from '../../src/synth/render.ts';
import { repositoryInfo } from '../../src/config/repository.ts';
import type { Manifest } from '../../src/kube/manifest.ts';
import { validateManifests } from '../../src/validate/index.ts';

// Parsed YAML: the tests change it freely.
export type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const ROOT = join(import.meta.dirname, '..', '..');
export const environments = loadEnvironments(ROOT);
export const repo = repositoryInfo(ROOT);
export const clusters = [...new Set(environments.map((env) => env.cluster))].sort();

export interface Fixture {
  argocd: Any[];
  folders: Map<string, Any[]>;
  envs: Map<string, Any[]>;
}

let rendered: Fixture | undefined;

/** A fresh copy of the rendered repository (rendered once per test file). */
export function fixture(): Fixture {
  rendered ??= render();
  return structuredClone(rendered);
}

function render(): Fixture {
  const folders = new Map<string, Any[]>();
  const argocd: Any[] = [];
  for (const file of synthesizeArgoCd(environments, repo)) {
    const docs = parseAllDocuments(file.content)
      .map((d) => d.toJS() as Any)
      .filter((d) => d && d.kind !== 'Kustomization');
    const folder = file.path.slice(0, file.path.lastIndexOf('/'));
    if (/^argocd\/[^/]+\/platform\/[^/]+$/.test(folder)) folders.set(folder, [...(folders.get(folder) ?? []), ...docs]);
    argocd.push(...docs);
  }
  const envs = new Map(environments.map((env) => [env.name, renderEnvironment(env) as Any[]]));
  for (const [name, manifests] of envs) folders.set(`envs/${name}`, manifests);
  return { argocd, folders, envs };
}

/** Every finding validate reports on the fixture. */
export function validateFixture(f: Fixture, chartValues: readonly ChartValues[] = []) {
  return validateManifests({
    scopes: [
      ...[...f.envs].map(([name, manifests]) => ({ name, manifests: manifests as Manifest[] })),
      { name: 'argocd', manifests: f.argocd as Manifest[] },
    ],
    chartValues,
    folders: f.folders as Map<string, Manifest[]>,
  }).findings;
}
