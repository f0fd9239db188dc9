/**
 * Dependencies point one way (issue #15). The folders of src/, bottom to top; a folder may import
 * only folders in a lower layer, never one above it nor a sibling in its own layer:
 *
 *   errors, kube, imports        one-file errors, Kubernetes basics (Manifest, API groups and object
 *                                identity, image references, field paths, the generated header,
 *                                canonical YAML), the generated Gateway API types
 *   catalog, toolchain           the pinned platform charts; kubectl/kustomize, the cache and git
 *   schemas                      the vendored schemas and the Kubernetes versions they cover
 *   config                       env.yaml: schema, loading, the repository's paths and Git URL
 *   constructs                   the cdk8s constructs of an environment
 *   platform                     the platform per cluster (built from constructs)
 *   argocd                       AppProjects and Applications (for the platform and the environments)
 *   docs, sources                the architecture diagram; the source map
 *   synth                        renders and writes all of the above
 *   validate, diff, status, metrics
 *   promote                      (validates what it promotes)
 *   commands
 *   cli
 *
 * A new folder must be placed in a layer here before it is used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const LAYERS: readonly (readonly string[])[] = [
  ['errors', 'kube', 'imports'],
  ['catalog', 'toolchain'],
  ['schemas'],
  ['config'],
  ['constructs'],
  ['platform'],
  ['argocd'],
  ['docs', 'sources'],
  ['synth'],
  ['validate', 'diff', 'status', 'metrics'],
  ['promote'],
  ['commands'],
  ['cli'],
];

/** Upward imports not yet removed, each required to still exist so that removing one shrinks this list. */
const KNOWN_UPWARD: readonly string[] = [];

interface Edge {
  readonly from: string;
  readonly to: string;
}

const SRC = resolve(import.meta.dirname, '..', 'src');

/** src/x/y.ts and src/x.ts both belong to folder x. */
function folderOf(file: string): string {
  return file.split('/')[1]!.replace(/\.ts$/, '');
}

/** Every relative import of every src/**\/*.ts file (static, `export … from`, dynamic), as repository paths. */
function sourceEdges(): Edge[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  return files.flatMap((file) => {
    const absolute = join(SRC, file);
    const { importedFiles } = ts.preProcessFile(readFileSync(absolute, 'utf8'), true, true);
    return importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => ({ from: repoPath(absolute), to: repoPath(resolve(dirname(absolute), specifier)) }))
      .filter((edge) => edge.to.startsWith('src/'));
  });
}

function repoPath(absolute: string): string {
  return relative(dirname(SRC), absolute).split(sep).join('/');
}

/** The imports that break the layering: upward, between siblings of a layer, or from or to an unplaced folder. */
function violations(edges: readonly Edge[], layers: readonly (readonly string[])[] = LAYERS): string[] {
  const layerOf = (folder: string) => layers.findIndex((layer) => layer.includes(folder));
  const found = edges.filter((edge) => {
    const [from, to] = [folderOf(edge.from), folderOf(edge.to)];
    if (from === to) return false;
    const [fromLayer, toLayer] = [layerOf(from), layerOf(to)];
    return fromLayer < 0 || toLayer < 0 || toLayer >= fromLayer;
  });
  return [...new Set(found.map((edge) => `${edge.from} -> ${edge.to}`))].sort();
}

describe('dependency direction', () => {
  const edges = sourceEdges();

  it('src/ folders import only folders below them, but for the listed exceptions', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(violations(edges)).toEqual([...KNOWN_UPWARD].sort());
  });

  it('places every src/ folder in exactly one layer', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? entry.name : entry.name.replace(/\.ts$/, ''),
    );
    expect([...LAYERS.flat()].sort()).toEqual([...new Set(folders)].sort());
  });

  it('sees static, re-exported and dynamic imports', () => {
    const has = (from: string, to: string) => edges.some((edge) => edge.from === from && edge.to === to);
    expect(has('src/kube/yaml.ts', 'src/kube/canonical.ts')).toBe(true);
    expect(has('src/argocd/naming.ts', 'src/catalog/components.ts')).toBe(true);
    expect(has('src/cli.ts', 'src/commands/synth.ts')).toBe(true); // load: () => import('./commands/synth.ts')
  });

  it('fails on a planted upward import, a sibling import and an unplaced folder', () => {
    expect(violations([{ from: 'src/kube/manifest.ts', to: 'src/synth/plan.ts' }])).toEqual(['src/kube/manifest.ts -> src/synth/plan.ts']);
    expect(violations([{ from: 'src/diff/index.ts', to: 'src/validate/index.ts' }])).toEqual([
      'src/diff/index.ts -> src/validate/index.ts',
    ]);
    expect(violations([{ from: 'src/new/thing.ts', to: 'src/kube/manifest.ts' }])).toEqual(['src/new/thing.ts -> src/kube/manifest.ts']);
    expect(
      violations([
        { from: 'src/synth/plan.ts', to: 'src/kube/manifest.ts' },
        { from: 'src/cli.ts', to: 'src/errors.ts' },
      ]),
    ).toEqual([]);
  });
});
